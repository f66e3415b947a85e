"""OvhClient: the typed async client of the billing API (see docs/ARCHITECTURE.md for the contract)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from ovh_invoices_tui.api import iceberg
from ovh_invoices_tui.api.errors import (
    DocumentError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from ovh_invoices_tui.api.http import httpx
from ovh_invoices_tui.api.retry import RetryPolicy
from ovh_invoices_tui.api.session import ApiResponse, ApiSession, Params, RequestLog
from ovh_invoices_tui.core import wire
from ovh_invoices_tui.core.models import (
    Account,
    Bill,
    BillDetail,
    CredentialRequest,
    Debt,
    DebtBalance,
    DebtOperation,
    Deposit,
    DepositLine,
    ModelError,
    NewTicket,
    Order,
    Payment,
    Refund,
)

__all__ = ["OvhClient", "Page", "RequestLog"]

T = TypeVar("T")
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_GONE = object()  # an object deleted between the listing and its GET (a JSON null is not that: it is broken)


@dataclass(frozen=True, slots=True)
class _Transient:
    """An object whose GETs all failed with a 429/5xx/network error: tried again after the pass."""

    object_id: Any


FALLBACK_PAGE_SIZE = 200  # objects per Page when fetched one by one
# The pages of one listing in flight at once: fewer than the session's 8, so the calls made beside a long listing
# (the next page of the debts, the balance) are not queued behind its twenty pages.
LISTING_IN_FLIGHT = 6


@dataclass(frozen=True)
class Page(Generic[T]):
    """One batch of parsed objects; ``errors`` are the objects that could not be read."""

    items: list[T]
    total: int | None
    errors: list[ModelError] = field(default_factory=list)


def _seg(value: object) -> str:
    return quote(str(value), safe="")


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


class OvhClient:
    """Async client of the OVHcloud billing API (application-key signing or OAuth2)."""

    def __init__(
        self,
        base_url: str,
        *,
        application_key: str | None = None,
        application_secret: str | None = None,
        consumer_key: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = 8,
        limiter: asyncio.Semaphore | None = None,
        timeout: float = 30.0,
        use_iceberg: bool = True,
        retries: int = 4,
        on_request: Callable[[RequestLog], None] | None = None,
        on_wait: Callable[[str, float, float], None] | None = None,
        retry_base_delay: float = 0.2,
        retry_max_delay: float = 5.0,
        retry_after_cap: float = 30.0,
        max_document_bytes: int = MAX_DOCUMENT_BYTES,
        clock: Callable[[], float] = time.time,
        share_amounts: bool = True,
    ) -> None:
        # Listed objects share their equal amounts (a third of the memory of 100,000 bills kept in a store); a
        # command that prints a listing and exits saves the time instead.
        self.share_amounts = share_amounts
        self.use_iceberg = use_iceberg
        self.max_document_bytes = max_document_bytes
        self.session = ApiSession(
            base_url,
            application_key=application_key,
            application_secret=application_secret,
            consumer_key=consumer_key,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            transport=transport,
            max_in_flight=max_in_flight,
            limiter=limiter,
            timeout=timeout,
            retry=RetryPolicy(retries, retry_base_delay, retry_max_delay, retry_after_cap),
            on_request=on_request,
            on_wait=on_wait,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"OvhClient({self.session.base_url!r})"

    @property
    def base_url(self) -> str:
        return self.session.base_url

    async def aclose(self) -> None:
        await self.session.aclose()

    async def __aenter__(self) -> OvhClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def get(self, path: str, params: Params = None) -> Any:
        """Signed GET of any path, decoded JSON."""
        return (await self.session.call("GET", path, params=params)).data

    # --- listings -------------------------------------------------------------------------------

    def iter_bills(
        self,
        *,
        date_from: datetime | date | None = None,
        date_to: datetime | date | None = None,
        order_id: int | None = None,
    ) -> AsyncIterator[Page[Bill]]:
        params = {"date.from": _when(date_from), "date.to": _when(date_to), "orderId": order_id}
        return self._iter_objects("/me/bill", Bill.from_api, params, typed=Bill)

    def iter_debts(self) -> AsyncIterator[Page[Debt]]:
        return self._iter_objects("/me/debtAccount/debt", Debt.from_api, None, typed=Debt)

    def iter_deposits(
        self, *, date_from: datetime | date | None = None, date_to: datetime | date | None = None
    ) -> AsyncIterator[Page[Deposit]]:
        params = {"date.from": _when(date_from), "date.to": _when(date_to)}
        return self._iter_objects("/me/deposit", Deposit.from_api, params)

    def iter_refunds(
        self, *, date_from: datetime | date | None = None, date_to: datetime | date | None = None
    ) -> AsyncIterator[Page[Refund]]:
        params = {"date.from": _when(date_from), "date.to": _when(date_to)}
        return self._iter_objects("/me/refund", Refund.from_api, params)

    def iter_bill_details(self, bill_id: str) -> AsyncIterator[Page[BillDetail]]:
        return self._iter_objects(f"/me/bill/{_seg(bill_id)}/details", BillDetail.from_api, None)

    async def _iter_objects(
        self, path: str, parse: Callable[[Any], T], params: Params, *, typed: type[T] | None = None
    ) -> AsyncIterator[Page[T]]:
        """Every object of a listing, page by page; ``typed``: the model its pages can be decoded into at once
        (:mod:`~ovh_invoices_tui.core.wire`), else each object is read by ``parse``."""
        shared = wire.Shared() if self.share_amounts else None
        if self.use_iceberg:
            first = await self.session.call("GET", path, params=params, headers=iceberg.page_headers(1), lazy=True)
            total_header = first.headers.get(iceberg.ELEMENTS_HEADER)
            total = int(total_header) if total_header and total_header.isdigit() else None
            items = wire.decode_page(typed, first.content, shared) if typed is not None else None
            if items:  # a non-empty page of well-formed objects: the server honoured the mode
                yield Page(items, total)
                first_count = len(items)
            elif iceberg.is_object_list(first.data, total_header):
                yield _parse_page(first.data, parse, total)
                first_count = len(first.data)
            else:
                first_count = -1
            if first_count >= 0:
                pages = iceberg.remaining_pages(total or 0, first_count)
                limiter = asyncio.Semaphore(LISTING_IN_FLIGHT)
                calls = (self._iceberg_page(path, params, n, limiter) for n in pages)
                async for response, number in iceberg.as_completed(calls):
                    yield _read_page(path, response, number, parse, typed, total, shared)
                return
            ids = first.data
        else:
            ids = (await self.session.call("GET", path, params=params)).data
        if not iceberg.is_id_list(ids):
            raise ModelError(path, "<list>", f"is not a list of ids (got {type(ids).__name__})")
        async for page in self._fetch_each(path, ids, parse):
            yield page

    async def _iceberg_page(
        self, path: str, params: Params, number: int, limiter: asyncio.Semaphore
    ) -> tuple[ApiResponse, int]:
        headers = iceberg.page_headers(number)
        async with limiter:
            return await self.session.call("GET", path, params=params, headers=headers, lazy=True), number

    async def _fetch_each(self, path: str, ids: list[Any], parse: Callable[[Any], T]) -> AsyncIterator[Page[T]]:
        """The fallback: one GET per id (capped by the session's semaphore), pages as they complete.

        With thousands of GETs even a bounded retry budget runs out now and then on a flaky API; an object
        whose GETs all failed transiently is fetched again once the pass is over, with a fresh budget,
        before the listing is declared failed.
        """
        total = len(ids)
        if not ids:
            yield Page([], 0, [])
            return
        items: list[T] = []
        errors: list[ModelError] = []
        again: list[Any] = []
        for attempt, pending in enumerate((ids, again)):
            last_pass = attempt == 1
            calls = (self._get_or_none(path, object_id, tolerate=not last_pass) for object_id in pending)
            async for data in iceberg.as_completed(calls):
                if isinstance(data, _Transient):
                    again.append(data.object_id)
                    continue
                if isinstance(data, ModelError):
                    errors.append(data)
                elif data is not _GONE:
                    try:
                        items.append(parse(data))
                    except ModelError as exc:
                        errors.append(exc)
                if len(items) + len(errors) >= FALLBACK_PAGE_SIZE:
                    yield Page(items, total, errors)
                    items, errors = [], []
        if items or errors:
            yield Page(items, total, errors)

    async def _get_or_none(self, path: str, object_id: Any, *, tolerate: bool = False) -> Any:
        try:
            return await self.get(f"{path}/{_seg(object_id)}")
        except NotFoundError:
            return _GONE  # deleted between the listing and the fetch
        except httpx.InvalidURL as exc:
            # An id no URL can carry (absurdly long, say) is one broken object, not a failed listing.
            return ModelError(path, "id", f"cannot be requested ({exc})", str(object_id)[:40])
        except (ServerError, RateLimitedError, NetworkError):
            if not tolerate:
                raise
            return _Transient(object_id)

    # --- single objects -------------------------------------------------------------------------

    async def me(self) -> Account:
        return Account.from_api(await self.get("/me"))

    async def bill(self, bill_id: str) -> Bill:
        return Bill.from_api(await self.get(f"/me/bill/{_seg(bill_id)}"))

    async def bill_details(self, bill_id: str) -> list[BillDetail]:
        """Every line of a bill (unreadable lines are raised, not dropped: a bill must add up)."""
        details: list[BillDetail] = []
        async for page in self.iter_bill_details(bill_id):
            if page.errors:
                raise page.errors[0]
            details.extend(page.items)
        return details

    async def bill_debt(self, bill_id: str) -> Debt | None:
        """The debt of a bill; None when the API says there is none (the bill is paid)."""
        try:
            return Debt.from_api(await self.get(f"/me/bill/{_seg(bill_id)}/debt"))
        except NotFoundError:
            return None

    async def bill_debt_operations(self, bill_id: str) -> list[DebtOperation]:
        operations: list[DebtOperation] = []
        try:
            async for page in self._iter_objects(
                f"/me/bill/{_seg(bill_id)}/debt/operation", DebtOperation.from_api, None
            ):
                operations.extend(page.items)
        except NotFoundError:
            return []
        return sorted(operations, key=lambda op: op.date)

    async def debt_operations(self, debt_id: int) -> list[DebtOperation]:
        """The operations of a debt of the debt account (payments tried, failed, refunded …), oldest first."""
        operations: list[DebtOperation] = []
        try:
            async for page in self._iter_objects(
                f"/me/debtAccount/debt/{_seg(str(debt_id))}/operation", DebtOperation.from_api, None
            ):
                operations.extend(page.items)
        except NotFoundError:
            return []
        return sorted(operations, key=lambda op: op.date)

    async def bill_payment(self, bill_id: str) -> Payment | None:
        try:
            return Payment.from_api(await self.get(f"/me/bill/{_seg(bill_id)}/payment"))
        except NotFoundError:
            return None

    async def debt_account(self) -> DebtBalance:
        return DebtBalance.from_api(await self.get("/me/debtAccount"))

    async def deposit(self, deposit_id: str) -> Deposit:
        return Deposit.from_api(await self.get(f"/me/deposit/{_seg(deposit_id)}"))

    async def deposit_paid_bill_ids(self, deposit_id: str) -> list[str]:
        data = await self.get(f"/me/deposit/{_seg(deposit_id)}/paidBills")
        if not iceberg.is_id_list(data):
            raise ModelError("paidBills", "<list>", "is not a list of ids")
        return [str(bill_id) for bill_id in data]

    async def deposit_ids_of_order(self, order_id: int) -> list[str]:
        """``GET /me/deposit?orderId=``: the deposits (payments) that paid an order."""
        data = await self.get("/me/deposit", {"orderId": order_id})
        if not iceberg.is_id_list(data):
            raise ModelError("deposit", "<list>", "is not a list of ids")
        return [str(deposit_id) for deposit_id in data]

    async def deposit_lines(self, deposit_id: str) -> list[DepositLine]:
        """``/me/deposit/{id}/details``: one line per paid bill and a negative line per credit note applied."""
        base = f"/me/deposit/{_seg(deposit_id)}/details"
        ids = await self.get(base)
        if not iceberg.is_id_list(ids):
            raise ModelError(base, "<list>", "is not a list of ids")
        objects = await asyncio.gather(*(self.get(f"{base}/{_seg(i)}") for i in ids))
        return [DepositLine.from_api(obj) for obj in objects]

    async def refund(self, refund_id: str) -> Refund:
        return Refund.from_api(await self.get(f"/me/refund/{_seg(refund_id)}"))

    async def refund_payment(self, refund_id: str) -> Payment | None:
        """How a credit note was used (``paymentIdentifier``: the deposit it reduced); None when not used yet."""
        try:
            return Payment.from_api(await self.get(f"/me/refund/{_seg(refund_id)}/payment"))
        except NotFoundError:
            return None

    async def order(self, order_id: int) -> Order:
        return Order.from_api(await self.get(f"/me/order/{_seg(order_id)}"))

    async def current_credential(self) -> dict[str, Any]:
        """``GET /auth/currentCredential`` (``status`` is ``validated`` once the user accepted the key)."""
        data = await self.get("/auth/currentCredential")
        if not isinstance(data, dict):
            raise ModelError("auth.ApiCredential", "<object>", "is not an object")
        return data

    async def server_time(self) -> int:
        return int((await self.session.call("GET", "/auth/time", auth=False)).data)

    # --- actions (never retried) ----------------------------------------------------------------

    async def pay_all(self) -> Order:
        """Pay everything due: a regularisation order whose ``url`` is the payment page."""
        return Order.from_api((await self.session.call("POST", "/me/debtAccount/pay")).data)

    async def pay_bill(self, bill_id: str) -> Order:
        path = f"/me/bill/{_seg(bill_id)}/debt/pay"
        return Order.from_api((await self.session.call("POST", path)).data)

    async def create_ticket(
        self, *, subject: str, body: str, category: str = "billing", subcategory: str = "bill"
    ) -> NewTicket:
        payload = {
            "subject": subject,
            "body": body,
            "category": category,
            "subcategory": subcategory,
            "type": "genericRequest",
        }
        response = await self.session.call("POST", "/support/tickets/create", body=payload)
        return NewTicket.from_api(response.data)

    async def request_consumer_key(
        self, rules: list[dict[str, str]], redirection: str | None = None
    ) -> CredentialRequest:
        """Unsigned ``POST /auth/credential`` (only ``X-Ovh-Application``): a key to validate."""
        if not self.session.application_key:
            raise ValueError("requesting a consumer key needs an application key")
        response = await self.session.call(
            "POST",
            "/auth/credential",
            body={"accessRules": rules, "redirection": redirection},
            headers={"X-Ovh-Application": self.session.application_key},
            auth=False,
        )
        return CredentialRequest.from_api(response.data)

    async def export_bills_server_side(
        self,
        *,
        archive_type: str = "zip",
        start_date: datetime | date | None = None,
        end_date: datetime | date | None = None,
        ids: list[str] | None = None,
    ) -> None:
        """``POST /me/bill/export``: OVHcloud builds the archive and e-mails it."""
        body: dict[str, Any] = {"archiveType": archive_type}
        if start_date is not None:
            body["startDate"] = start_date.isoformat()
        if end_date is not None:
            body["endDate"] = end_date.isoformat()
        if ids is not None:
            body["ids"] = list(ids)
        await self.session.call("POST", "/me/bill/export", body=body)

    async def download_document(self, url: str, *, expect_pdf: bool = True) -> bytes:
        """The document behind a ``pdfUrl``/``url`` (no API auth); a PDF must start with ``%PDF``.

        A body that is not a PDF (an HTML error or throttling page served with a 200) is retried like a 5xx,
        with backoff, then raises :class:`DocumentError`: it is never returned as a PDF.
        """
        retry = self.session.retry
        attempt = 0
        while True:
            content = await self.session.download(url, max_bytes=self.max_document_bytes)
            if not expect_pdf or content.lstrip()[:4] == b"%PDF":
                return content
            attempt += 1
            if attempt > retry.retries:
                raise DocumentError(f"the document is not a PDF ({len(content)} bytes, {attempt} attempts)")
            await asyncio.sleep(retry.backoff(attempt))


def _parse_page(data: list[Any], parse: Callable[[Any], T], total: int | None) -> Page[T]:
    items: list[T] = []
    errors: list[ModelError] = []
    for obj in data:
        try:
            items.append(parse(obj))
        except ModelError as exc:
            errors.append(exc)
    return Page(items, total, errors)


def _read_page(
    path: str,
    response: ApiResponse,
    number: int,
    parse: Callable[[Any], T],
    typed: type[T] | None,
    total: int | None,
    shared: wire.Shared | None,
) -> Page[T]:
    """Page ``number`` of a listing: decoded at once when it can be, else object by object."""
    items = wire.decode_page(typed, response.content, shared) if typed is not None else None
    if items is not None:
        return Page(items, total)
    data = response.data
    if not isinstance(data, list):
        raise ModelError(path, "<page>", f"page {number} is not a list")
    return _parse_page(data, parse, total)
