"""Signing, endpoints, error mapping, retry policy: pure units."""

from __future__ import annotations

import pytest

from ovh_invoices_tui.api import endpoints
from ovh_invoices_tui.api.errors import (
    ApiError,
    AuthenticationError,
    NotFoundError,
    NotGrantedError,
    NothingToPayError,
    RateLimitedError,
    ServerError,
    error_from_response,
)
from ovh_invoices_tui.api.retry import RetryPolicy, parse_retry_after
from ovh_invoices_tui.api.rules import access_rules
from ovh_invoices_tui.api.signing import signature, signed_headers


def test_signature_known_vector_get() -> None:
    # sha1("EXEMPLEsecret+EXEMPLEck+GET+https://eu.api.ovh.com/1.0/me/bill?date.from=2024-01-01++1700000000")
    sig = signature(
        "EXEMPLEsecret", "EXEMPLEck", "get", "https://eu.api.ovh.com/1.0/me/bill?date.from=2024-01-01", b"", 1700000000
    )
    assert sig == "$1$71cebdab483f0a4a908476ddc1f245661acabe18"


def test_signature_known_vector_post_body() -> None:
    url = "https://eu.api.ovh.com/1.0/support/tickets/create"
    sig = signature("EXEMPLEsecret", "EXEMPLEck", "POST", url, b'{"subject":"x"}', 1700000000)
    assert sig == "$1$aa8fe638ad5c1f7db9a6b7bf777635e2a81737b5"


def test_signed_headers() -> None:
    headers = signed_headers("ak", "ck", 42, signature("as", "ck", "GET", "http://x/1.0/me", "", 42))
    assert headers["X-Ovh-Application"] == "ak"
    assert headers["X-Ovh-Consumer"] == "ck"
    assert headers["X-Ovh-Timestamp"] == "42"
    assert headers["X-Ovh-Signature"].startswith("$1$")


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("ovh-eu", "https://eu.api.ovh.com/1.0"),
        ("ovh-ca", "https://ca.api.ovh.com/1.0"),
        ("ovh-us", "https://api.us.ovhcloud.com/1.0"),
        ("kimsufi-eu", "https://eu.api.kimsufi.com/1.0"),
        ("kimsufi-ca", "https://ca.api.kimsufi.com/1.0"),
        ("soyoustart-eu", "https://eu.api.soyoustart.com/1.0"),
        ("soyoustart-ca", "https://ca.api.soyoustart.com/1.0"),
        ("http://127.0.0.1:8080/1.0/", "http://127.0.0.1:8080/1.0"),
    ],
)
def test_endpoint_base_urls(name: str, url: str) -> None:
    assert endpoints.base_url(name) == url


def test_token_urls() -> None:
    assert endpoints.token_url("ovh-eu") == "https://www.ovh.com/auth/oauth2/token"
    assert endpoints.token_url("ovh-ca") == "https://ca.ovh.com/auth/oauth2/token"
    assert endpoints.token_url("ovh-us") == "https://us.ovhcloud.com/auth/oauth2/token"
    assert endpoints.token_url("kimsufi-eu") is None
    assert endpoints.token_url("http://127.0.0.1:8080/1.0") == "http://127.0.0.1:8080/auth/oauth2/token"


def test_unknown_endpoint() -> None:
    with pytest.raises(endpoints.UnknownEndpointError, match="ovh-xx"):
        endpoints.base_url("ovh-xx")


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (404, {"class": "Client::NotFound", "message": "The requested object does not exist"}, NotFoundError),
        (403, {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}, NotGrantedError),
        (403, {"errorCode": "INVALID_CREDENTIAL", "message": "This credential is not valid"}, AuthenticationError),
        (400, {"errorCode": "INVALID_SIGNATURE", "message": "Invalid signature"}, AuthenticationError),
        (403, {"errorCode": "INVALID_KEY", "message": "Invalid application key"}, AuthenticationError),
        (401, {"message": "You must login first"}, AuthenticationError),
        (400, {"class": "Client::BadRequest", "message": "Nothing to pay"}, NothingToPayError),
        (429, {"message": "Too many requests"}, RateLimitedError),
        (503, "<html>oops</html>", ServerError),
        (400, {"class": "Client::BadRequest", "message": "Invalid date"}, ApiError),
    ],
)  # fmt: skip
def test_error_mapping(status: int, body: object, kind: type[ApiError]) -> None:
    error = error_from_response(status, body, "EU.ext-1.abc")
    assert type(error) is kind
    assert error.status == status
    assert error.query_id == "EU.ext-1.abc"
    text = str(error)
    assert "\n" not in text
    assert f"HTTP {status}" in text and "EU.ext-1.abc" in text


def test_error_fields_and_not_granted_hint() -> None:
    body = {"errorCode": "NOT_GRANTED_CALL", "message": "This call has not been granted"}
    error = error_from_response(403, body, "q1")
    assert isinstance(error, NotGrantedError)
    assert error.error_code == "NOT_GRANTED_CALL"
    assert error.message == "This call has not been granted"
    assert "billing contact" in str(error)
    not_found = error_from_response(404, {"class": "Client::NotFound", "message": "gone"}, None)
    assert not_found.error_class == "Client::NotFound"
    assert str(not_found) == "gone (HTTP 404)"


def test_retry_after_parsing() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    policy = RetryPolicy(retry_after_cap=2.0)
    assert policy.delay(1, "120") == 2.0
    assert 0 < policy.delay(1, None) <= policy.base_delay


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=0.1, max_delay=0.5)
    assert policy.backoff(1) <= 0.1
    assert 0.25 <= policy.backoff(10) <= 0.5


def test_access_rules() -> None:
    full = access_rules()
    readonly = access_rules(readonly=True)
    assert {"method": "POST", "path": "/me/debtAccount/pay"} in full
    assert all(rule["method"] == "GET" for rule in readonly)
    assert {"method": "GET", "path": "/me/bill/*"} in readonly


_PAGES_LET_GO = """
import asyncio, gc, weakref
from ovh_invoices_tui.api import iceberg

class PageBody:  # stands for a page's response body (3 MB of JSON in a 100,000-bill listing)
    pass

async def main():
    bodies, release = [], asyncio.Event()

    async def page(number):
        if number:
            await release.wait()
        body = PageBody()
        bodies.append(weakref.ref(body))
        return body

    pages = iceberg.as_completed(page(n) for n in range(3))
    await anext(pages)  # handed over, dropped at once
    gc.collect()
    alive = sum(ref() is not None for ref in bodies)
    release.set()
    print(alive, 1 + len([body async for body in pages]))

asyncio.run(main())
"""


def test_pages_of_a_listing_are_let_go_once_handed_over() -> None:
    """The pages of a listing are not all kept until the last arrives: once the consumer has a page and drops
    it, nothing holds it any more (a 100,000-bill load held 55 MB of JSON pages until its end). In a process of
    its own: what the test runner keeps between tests must not hold a page for it."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PAGES_LET_GO], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["0", "3"]  # none of the pages handed over still alive; all three came


async def test_a_listing_stopped_early_cancels_the_pages_still_loading() -> None:
    import asyncio

    from ovh_invoices_tui.api import iceberg

    never = asyncio.Event()
    started: list[asyncio.Task[object]] = []

    async def page(number: int) -> int:
        task = asyncio.current_task()
        assert task is not None
        started.append(task)
        if number:
            await never.wait()
        return number

    pages = iceberg.as_completed(page(n) for n in range(3))
    assert await anext(pages) == 0
    await pages.aclose()
    assert len(started) == 3 and all(task.cancelled() for task in started[1:])
