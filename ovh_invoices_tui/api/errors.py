"""Typed exceptions of the API client.

``str(exc)`` is one line: the message, the HTTP status and the ``X-Ovh-QueryID`` (what support asks for).
No secret (application secret, consumer key, client secret, token, document URL) ever goes in one.
"""

from __future__ import annotations

from typing import Any

from ovh_invoices_tui.core.text import clean


def _one_line(text: str) -> str:
    # The message often comes from the server: it is shown in terminals and notices, so it is cleaned too.
    return " ".join(clean(text).split())


class OvhError(Exception):
    """Base of every error raised by the client."""

    def __init__(self, message: str, *, status: int | None = None, query_id: str | None = None) -> None:
        self.message = _one_line(message)
        self.status = status
        self.query_id = query_id
        super().__init__(self.message)

    def details(self) -> str:
        """``HTTP 404, query id EU.ext-3.abc`` (what is known of it)."""
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.query_id:
            parts.append(f"query id {self.query_id}")
        return ", ".join(parts)

    def __str__(self) -> str:
        details = self.details()
        return f"{self.message} ({details})" if details else self.message


class ApiError(OvhError):
    """The API answered an error: its status, OVH ``class`` / ``errorCode``, message and query id."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_class: str | None = None,
        error_code: str | None = None,
        query_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, query_id=query_id)
        self.error_class = error_class
        self.error_code = error_code


class AuthenticationError(ApiError):
    """Invalid application key, consumer key, signature or OAuth2 credentials (or a 401)."""


AuthError = AuthenticationError


class NotGrantedError(AuthenticationError):
    """403: the credential may not make this call."""

    HINT = (
        "On billing routes the account must be the billing contact of the services, "
        "or the consumer key lacks the access rule for this call (run `ovh-invoices login` again)."
    )

    def __str__(self) -> str:
        return f"{super().__str__()}. {self.HINT}"


class NotFoundError(ApiError):
    """404: the object does not exist (or is not visible to this account)."""


class NothingToPayError(ApiError):
    """Paying while nothing is due (the API's ``Nothing to pay``)."""


class RateLimitedError(ApiError):
    """429 after the retries (or on a call that is never retried)."""


class ServerError(ApiError):
    """5xx after the retries (or on a call that is never retried)."""


class NetworkError(OvhError):
    """The API could not be reached (connection, DNS, TLS, timeout) after the retries."""


class OutcomeUnknownError(OvhError):
    """A POST was sent but its answer never came: it may or may not have happened. Do not resend it."""


class DocumentError(OvhError):
    """A downloaded document is not what was expected (not a PDF, too big)."""


_AUTH_CODES = {"INVALID_KEY", "INVALID_CREDENTIAL", "INVALID_SIGNATURE", "NOT_CREDENTIAL", "QUERY_TIME_OUT"}


def is_time_rejection(exc: ApiError) -> bool:
    """The API refused the request's timestamp (the clock delta is stale)."""
    return exc.error_code == "QUERY_TIME_OUT" or "query out of time" in exc.message.lower()


def error_from_response(status: int, body: Any, query_id: str | None) -> ApiError:
    """Map an error answer (its JSON body, or any text) to the most specific exception."""
    data = body if isinstance(body, dict) else {}
    message = str(data.get("message") or "") or (body.strip()[:200] if isinstance(body, str) else "")
    message = message or f"HTTP error {status}"
    error_class = data.get("class")
    error_code = data.get("errorCode")
    kind: type[ApiError]
    if error_code == "NOT_GRANTED_CALL" or (status == 403 and error_code not in _AUTH_CODES):
        kind = NotGrantedError
    elif status == 401 or error_code in _AUTH_CODES or "query out of time" in message.lower():
        kind = AuthenticationError
    elif "nothing to pay" in message.lower():
        kind = NothingToPayError
    elif status == 404:
        kind = NotFoundError
    elif status == 429:
        kind = RateLimitedError
    elif status >= 500:
        kind = ServerError
    else:
        kind = ApiError
    return kind(
        message,
        status=status,
        error_class=str(error_class) if error_class else None,
        error_code=str(error_code) if error_code else None,
        query_id=query_id,
    )
