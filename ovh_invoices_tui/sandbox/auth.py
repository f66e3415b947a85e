"""Authentication as the real API does it: signed requests, consumer keys and their rules, OAuth2 tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import credentials
from .accounts import AccountSpec, account

MAX_DRIFT_S = 180
METHODS = ("GET", "POST", "PUT", "DELETE")


class AuthError(Exception):
    """An authentication failure and the exact body the real API answers."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body


def _ovh_error(status: int, reason: str, code: str, message: str) -> AuthError:
    return AuthError(status, {"errorCode": code, "httpCode": f"{status} {reason}", "message": message})


def signature(secret: str, consumer_key: str, method: str, url: str, body: str, timestamp: str) -> str:
    """``"$1$" + sha1_hex(AS+CK+METHOD+URL+BODY+TS joined by "+")``."""
    raw = "+".join((secret, consumer_key, method.upper(), url, body, timestamp))
    return "$1$" + hashlib.sha1(raw.encode()).hexdigest()


@dataclass
class Credential:
    """A consumer key, its access rules and state (``pendingValidation`` until its URL is opened)."""

    credential_id: int
    application_key: str
    consumer_key: str
    rules: list[dict[str, str]]
    status: str
    created: int
    last_use: int | None = None
    patterns: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    nichandle: str = credentials.NICHANDLE  # the account it belongs to

    def __post_init__(self) -> None:
        self.patterns = [(r["method"].upper(), _rule_pattern(r["path"])) for r in self.rules]

    def allows(self, method: str, path: str) -> bool:
        return any(m == method and p.match(path) for m, p in self.patterns)


def _rule_pattern(path: str) -> re.Pattern[str]:
    # "/me/bill/*" grants /me/bill and everything below it; "*" spans slashes.
    body = re.escape(path).replace(r"\*", ".*")
    if body.endswith("/.*"):
        body = body[:-3] + "(/.*)?"
    return re.compile(f"^{body}$")


def _all(method_list: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"method": m, "path": "/*"} for m in method_list]


class Authenticator:
    """Checks requests against the sandbox's applications, consumer keys and bearer tokens.

    Each consumer key and OAuth2 client belongs to one account (its nichandle); a rejected account's are
    not registered, so they answer as unknown credentials. Keys requested with ``POST /auth/credential``
    belong to the first account.
    """

    def __init__(self, clock_skew_s: int = 0, token_ttl_s: int = 3600,
                 accounts: Sequence[AccountSpec] = ()) -> None:
        self.clock_skew_s = clock_skew_s
        self.token_ttl_s = token_ttl_s
        accounts = tuple(accounts) or (account(0),)
        self.applications = {a.application_key: a.application_secret for a in accounts}
        self.application_ids = {credentials.APPLICATION_KEY: 123456}
        self.owner = accounts[0].nichandle
        now = self.server_time()
        self.credentials: dict[str, Credential] = {}
        self.clients: dict[str, tuple[str, str]] = {}  # OAuth2 client id -> (secret, nichandle)
        for n, spec in enumerate(accounts):
            if spec.rejected:
                continue
            for offset, key, methods in ((1, spec.consumer_key, METHODS), (2, spec.readonly_consumer_key, ("GET",))):
                self.credentials[key] = Credential(1000 + 2 * n + offset, spec.application_key, key, _all(methods),
                                                   "validated", now, nichandle=spec.nichandle)
            self.clients[spec.client_id] = (spec.client_secret, spec.nichandle)
        self.validation_tokens: dict[str, str] = {}
        self.tokens: dict[str, tuple[float, str]] = {}  # bearer token -> (expiry, nichandle)

    def server_time(self) -> int:
        """The server clock (local clock + configured skew), epoch seconds."""
        return int(time.time()) + self.clock_skew_s

    # --- consumer keys --------------------------------------------------------------------------
    def request_credential(self, application_key: str | None, params: Any, origin: str) -> dict[str, Any]:
        """``POST /auth/credential``: a pending consumer key and the page that validates it."""
        self._application(application_key)
        rules = params.get("accessRules") if isinstance(params, dict) else None
        if not isinstance(rules, list) or not all(
            isinstance(r, dict) and str(r.get("method", "")).upper() in METHODS and isinstance(r.get("path"), str)
            for r in rules
        ):
            raise AuthError(400, {"class": "Client::BadRequest",
                                  "message": "Invalid accessRules: expected [{method, path}, …]"})
        assert application_key is not None
        key = secrets.token_hex(16)
        token = secrets.token_urlsafe(16)
        cred_id = 1000 + len(self.credentials) + 1
        self.credentials[key] = Credential(cred_id, application_key, key,
                                           [{"method": r["method"].upper(), "path": r["path"]} for r in rules],
                                           "pendingValidation", self.server_time(), nichandle=self.owner)
        self.validation_tokens[token] = key
        return {"consumerKey": key, "state": "pendingValidation",
                "validationUrl": f"{origin}/auth/?credentialToken={token}"}

    def validate(self, token: str) -> Credential | None:
        """The user opened the validation page: the consumer key becomes ``validated``."""
        key = self.validation_tokens.pop(token, None)
        if key is None:
            return None
        self.credentials[key].status = "validated"
        return self.credentials[key]

    # --- OAuth2 -----------------------------------------------------------------------------------
    def issue_token(self, client_id: str, client_secret: str) -> dict[str, Any] | None:
        """Client-credentials grant; None for an unknown client."""
        known = self.clients.get(client_id)
        if known is None or not secrets.compare_digest(client_secret, known[0]):
            return None
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (time.time() + self.token_ttl_s, known[1])
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl_s, "scope": "all"}

    # --- request checks -----------------------------------------------------------------------------
    def _application(self, key: str | None) -> str:
        if not key:
            raise AuthError(401, {"message": "You must login first"})
        secret = self.applications.get(key)
        if secret is None:
            raise _ovh_error(403, "Forbidden", "INVALID_KEY", "Invalid application key")
        return secret

    def check(self, method: str, path: str, urls: list[str], body: str, headers: Any) -> str:
        """Authenticate a request; returns the nichandle of the account it acts for, or raises AuthError.

        ``urls`` are the full URLs the client may have signed (as received, and as configured).
        """
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            token = self.tokens.get(authorization[7:].strip())
            if token is None or token[0] < time.time():
                raise AuthError(401, {"class": "Client::Unauthorized",
                                      "message": "Invalid or expired access token"})
            return token[1]
        secret = self._application(headers.get("x-ovh-application"))
        consumer = headers.get("x-ovh-consumer")
        timestamp = headers.get("x-ovh-timestamp")
        sign = headers.get("x-ovh-signature")
        if not consumer or not timestamp or not sign:
            raise AuthError(401, {"message": "You must login first"})
        if not timestamp.isdigit() or abs(int(timestamp) - self.server_time()) > MAX_DRIFT_S:
            raise _ovh_error(400, "Bad Request", "QUERY_TIME_OUT", "Query out of time")
        credential = self.credentials.get(consumer)
        if credential is None or credential.application_key != headers.get("x-ovh-application"):
            raise _ovh_error(403, "Forbidden", "INVALID_CREDENTIAL", "This credential does not exist")
        if credential.status != "validated":
            raise _ovh_error(403, "Forbidden", "INVALID_CREDENTIAL", "This credential is not valid")
        if not any(secrets.compare_digest(sign, signature(secret, consumer, method, u, body, timestamp))
                   for u in urls):
            raise _ovh_error(400, "Bad Request", "INVALID_SIGNATURE", "Invalid signature")
        # /auth/* (currentCredential, logout …) is always granted to a valid credential, as on the real API.
        if not path.startswith("/auth/") and not credential.allows(method, path):
            raise _ovh_error(403, "Forbidden", "NOT_GRANTED_CALL", "This call has not been granted")
        credential.last_use = self.server_time()
        return credential.nichandle
