"""Typed, immutable models of what the OVHcloud billing API returns.

Field names follow the API's schema (``billing.Bill``, ``debt.Debt`` …) in snake_case.
Parsing is strict about structure (a malformed object raises :class:`ModelError` naming the
object and the field) and lenient about vocabulary (an unknown enum value is kept as a string).

The objects listed by the hundred thousand (``Money``, ``Bill``, ``Debt``, ``BillRow``) are msgspec Structs:
a page of them is decoded straight from the response bytes (:mod:`ovh_invoices_tui.core.wire`), and they are
smaller than dataclasses (no per-object GC header: they hold no cycle). Their ``from_api`` readers stay the
reference, used for every object the typed decoder does not take as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Any, TypeVar

import msgspec

UCENTS_PER_UNIT = 100_000_000  # priceInUcents = value × 10^8
# Beyond a trillion units an amount is garbage, and formatting it would overflow Decimal's 28 digits.
MAX_UCENTS = 10**12 * UCENTS_PER_UNIT
# Dates outside these years are garbage too (and break timestamp() on some platforms).
MIN_YEAR, MAX_YEAR = 1900, 2999
_INTEGER = re.compile(r"-?[0-9]{1,30}")  # ASCII digits only: "²".isdigit() is true but int("²") fails

T = TypeVar("T")

# What the typed decoder takes as it is; anything else goes through the readers below, which accept more
# (ids as numbers, nulls, naive dates, amounts beyond 64 bits …) and name the field when they refuse.
Ucents = Annotated[int, msgspec.Meta(ge=-(2**63 - 1), le=2**63 - 1)]  # always within MAX_UCENTS
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]


class ModelError(ValueError):
    """An API object that cannot be read: names the object type, its id when known, and the field."""

    def __init__(self, model: str, field: str, reason: str, object_id: str | None = None) -> None:
        self.model = model
        self.field = field
        self.reason = reason
        self.object_id = object_id
        where = f"{model} {object_id}" if object_id else model
        super().__init__(f"{where}: field {field!r} {reason}")


# --- field readers -------------------------------------------------------------------------------


class _Reader:
    """Reads fields of one raw API object, raising ModelError with the object's name on failure."""

    __slots__ = ("model", "obj", "object_id")

    def __init__(self, model: str, obj: Any, id_field: str | None = None) -> None:
        if not isinstance(obj, Mapping):
            raise ModelError(model, "<object>", f"is not an object (got {type(obj).__name__})")
        self.model = model
        self.obj = obj
        raw_id = obj.get(id_field) if id_field else None
        self.object_id = str(raw_id) if raw_id is not None else None

    def fail(self, field: str, reason: str) -> ModelError:
        return ModelError(self.model, field, reason, self.object_id)

    def raw(self, field: str, nullable: bool) -> Any:
        if field not in self.obj or self.obj[field] is None:
            if nullable:
                return None
            raise self.fail(field, "is missing" if field not in self.obj else "is null")
        return self.obj[field]

    def string(self, field: str, nullable: bool = False) -> Any:
        value = self.raw(field, nullable)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(field, f"is not a string (got {type(value).__name__})")
        return str(value)

    def integer(self, field: str, nullable: bool = False) -> Any:
        value = self.raw(field, nullable)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.fail(field, "is not an integer (got bool)")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        raise self.fail(field, f"is not an integer (got {value!r:.40})")

    def boolean(self, field: str, nullable: bool = False) -> Any:
        value = self.raw(field, nullable)
        if value is None or isinstance(value, bool):
            return value
        raise self.fail(field, f"is not a boolean (got {value!r:.40})")

    def datetime(self, field: str, nullable: bool = False) -> Any:
        value = self.raw(field, nullable)
        if value is None:
            return None
        try:
            parsed = parse_datetime(value)
        except (TypeError, ValueError):
            raise self.fail(field, f"is not a date-time (got {value!r:.40})") from None
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise self.fail(field, f"is out of range (got {value!r:.40})")
        # Without an offset, take UTC: naive and aware date-times cannot be compared or sorted together.
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

    def date(self, field: str, nullable: bool = False) -> Any:
        value = self.raw(field, nullable)
        if value is None:
            return None
        try:
            return date.fromisoformat(value[:10]) if isinstance(value, str) else _bad()
        except (TypeError, ValueError):
            raise self.fail(field, f"is not a date (got {value!r:.40})") from None

    def money(self, field: str, nullable: bool = False) -> Any:
        value = self.raw(field, nullable)
        if value is None:
            return None
        try:
            return Money.from_api(value)
        except ModelError as exc:
            raise self.fail(f"{field}.{exc.field}", exc.reason) from None

    def nested(self, field: str, parse: Callable[[Any], T], nullable: bool = False) -> T | None:
        value = self.raw(field, nullable)
        if value is None:
            return None
        try:
            return parse(value)
        except ModelError as exc:
            raise self.fail(f"{field}.{exc.field}", exc.reason) from None


def _bad() -> Any:
    raise ValueError


def parse_datetime(value: Any) -> datetime:
    """Parse the API's ISO 8601 date-times (``2024-01-15T10:30:00+01:00``; a bare date is midnight)."""
    if not isinstance(value, str):
        raise TypeError(value)
    try:  # RFC 3339 first, read exactly as the typed decoder reads it (so both paths agree)
        parsed: datetime = msgspec.convert(value, datetime)
        return parsed
    except msgspec.ValidationError:
        pass
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    if len(value) == 10:
        return datetime.fromisoformat(value + "T00:00:00")
    return datetime.fromisoformat(value)


# --- money ---------------------------------------------------------------------------------------


class Money(msgspec.Struct, frozen=True, gc=False, rename={"ucents": "priceInUcents", "currency": "currencyCode"}):
    """An exact amount: integer micro-cents (10^-8 of the unit) and the currency.

    The API's ``text`` (the same amount written for display, "3.70 €") is not kept: amounts are shown, exported
    and compared from ``priceInUcents`` in the UI's language, and the text cost every amount 65 bytes (100,000
    invoices: 300,000 strings decoded for nothing).
    """

    ucents: Ucents
    currency: str

    @property
    def value(self) -> Decimal:
        """The amount as an exact Decimal."""
        return Decimal(self.ucents) / UCENTS_PER_UNIT

    @classmethod
    def from_api(cls, obj: Any) -> Money:
        """Read an ``order.Price`` (exact ``priceInUcents`` when present) or an ``order.LongPrice``."""
        r = _Reader("order.Price", obj)
        currency = r.string("currencyCode")
        ucents = r.integer("priceInUcents", nullable=True)
        if ucents is None:
            raw = r.raw("value", nullable=False)
            if isinstance(raw, bool) or not isinstance(raw, int | float | str):
                raise r.fail("value", f"is not a number (got {raw!r:.40})")
            try:
                # str() of the float gives its shortest repr, so 12.99 stays 12.99 and not 12.98999…
                amount = Decimal(str(raw))
            except InvalidOperation:
                raise r.fail("value", f"is not a number (got {raw!r:.40})") from None
            # NaN, Infinity and 1e999999999 are checked before any arithmetic, which would fail or never end.
            if not amount.is_finite() or amount.adjusted() >= 12:
                raise r.fail("value", f"is not a plausible amount (got {raw!r:.40})")
            ucents = int((amount * UCENTS_PER_UNIT).to_integral_value())
        elif abs(ucents) > MAX_UCENTS:
            raise r.fail("priceInUcents", f"is not a plausible amount (got {ucents!r:.40})")
        return cls(ucents, currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str = "EUR") -> Money:
        """Build from a decimal amount (tests, sums)."""
        ucents = int((Decimal(amount) * UCENTS_PER_UNIT).to_integral_value())
        return cls(ucents, currency)

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        return cls(0, currency)

    def __add__(self, other: Money) -> Money:
        return Money(self.ucents + other.ucents, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.ucents - other.ucents, self.currency)

    def __bool__(self) -> bool:
        return self.ucents != 0


# --- billing objects -----------------------------------------------------------------------------


# A bill's document links, as OVHcloud (and the sandbox) give them, are ``<base>.cgi?<query>`` and
# ``<base>.pdf?<query>`` with ``<query>`` = ``reference=<billId>&passwd=<password>``: 300 bytes a bill that its id
# and password already say. Such a bill keeps only ``LINK_MARK + <base>`` (one string shared by every bill) and
# rebuilds its links when asked. A link the API gave starting with LINK_MARK itself is kept behind a second one.
LINK_MARK = "\x00"
_LINK_QUERY = "reference={}&passwd={}"


@lru_cache(maxsize=64)  # bounded: a listing of a different base per bill stays correct, uncompacted
def _marked_base(base: str) -> str:
    """``LINK_MARK + base``, the same string object for every bill of a base (a handful per account)."""
    return LINK_MARK + base


def stored_links(bill_id: str, url: str, pdf_url: str, password: str) -> tuple[str, str]:
    """How a bill keeps its ``url`` and ``pdf_url`` (see :class:`Bill`): compact when they follow the pattern."""
    if url.startswith(LINK_MARK):
        return LINK_MARK + url, pdf_url
    base, cgi, query = url.rpartition(".cgi?")
    if (
        cgi
        and base.startswith(("https://", "http://"))
        and query == _LINK_QUERY.format(bill_id, password)
        and len(pdf_url) == len(url)
        and pdf_url.startswith(base)
        and pdf_url.endswith(query)
        and pdf_url[len(base) : len(base) + 5] == ".pdf?"
    ):
        return _marked_base(base), ""
    return url, pdf_url


class Bill(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """``billing.Bill``: an invoice. ``url``/``pdf_url``/``password`` are secrets (open the document).

    ``stored_url``/``stored_pdf_url`` are the links as kept (:func:`stored_links`; what the cache records hold);
    read ``url`` and ``pdf_url``. Build a bill from the API's links with :meth:`make`.
    """

    bill_id: str
    category: str
    date: AwareDateTime
    order_id: int
    price_with_tax: Money
    price_without_tax: Money
    tax: Money
    stored_url: str = msgspec.field(name="url")
    stored_pdf_url: str = msgspec.field(name="pdfUrl")
    password: str

    @property
    def url(self) -> str:
        """The document's HTML page, as the API gave it."""
        stored = self.stored_url
        if not stored.startswith(LINK_MARK):
            return stored
        if stored.startswith(LINK_MARK, 1):
            return stored[1:]
        return f"{stored[1:]}.cgi?reference={self.bill_id}&passwd={self.password}"

    @property
    def pdf_url(self) -> str:
        """The document's PDF, as the API gave it."""
        stored = self.stored_url
        if stored.startswith(LINK_MARK) and not stored.startswith(LINK_MARK, 1):
            return f"{stored[1:]}.pdf?reference={self.bill_id}&passwd={self.password}"
        return self.stored_pdf_url

    @classmethod
    def make(
        cls,
        bill_id: str,
        category: str,
        date: datetime,
        order_id: int,
        price_with_tax: Money,
        price_without_tax: Money,
        tax: Money,
        url: str,
        pdf_url: str,
        password: str,
    ) -> Bill:
        """A bill from its fields as the API names them (its links stored as :func:`stored_links` says)."""
        stored_url, stored_pdf_url = stored_links(bill_id, url, pdf_url, password)
        return cls(
            bill_id, category, date, order_id, price_with_tax, price_without_tax, tax, stored_url, stored_pdf_url,
            password,
        )  # fmt: skip

    @classmethod
    def from_api(cls, obj: Any) -> Bill:
        r = _Reader("billing.Bill", obj, "billId")
        return cls.make(
            bill_id=r.string("billId"),
            category=r.string("category", nullable=True) or "",
            date=r.datetime("date"),
            order_id=r.integer("orderId"),
            price_with_tax=r.money("priceWithTax"),
            price_without_tax=r.money("priceWithoutTax"),
            tax=r.money("tax"),
            url=r.string("url", nullable=True) or "",
            pdf_url=r.string("pdfUrl", nullable=True) or "",
            password=r.string("password", nullable=True) or "",
        )


@dataclass(frozen=True, slots=True)
class BillDetail:
    """``billing.BillDetail``: one line of an invoice."""

    bill_detail_id: str
    description: str
    domain: str
    period_start: date | None
    period_end: date | None
    quantity: str
    total_price: Money
    unit_price: Money

    @classmethod
    def from_api(cls, obj: Any) -> BillDetail:
        r = _Reader("billing.BillDetail", obj, "billDetailId")
        return cls(
            bill_detail_id=r.string("billDetailId"),
            description=r.string("description", nullable=True) or "",
            domain=r.string("domain", nullable=True) or "",
            period_start=r.date("periodStart", nullable=True),
            period_end=r.date("periodEnd", nullable=True),
            quantity=r.string("quantity", nullable=True) or "",
            total_price=r.money("totalPrice"),
            unit_price=r.money("unitPrice"),
        )


@dataclass(frozen=True, slots=True)
class Payment:
    """``billing.Payment``: how and when a bill (or deposit, refund, order) was paid."""

    payment_date: datetime
    payment_identifier: str | None
    payment_type: str

    @classmethod
    def from_api(cls, obj: Any) -> Payment:
        r = _Reader("billing.Payment", obj)
        return cls(
            payment_date=r.datetime("paymentDate"),
            payment_identifier=r.string("paymentIdentifier", nullable=True),
            payment_type=r.string("paymentType"),
        )


class Debt(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """``debt.Debt``: what is owed on one order (joined to its bill on ``order_id``)."""

    debt_id: int
    order_id: int
    date: AwareDateTime
    due_date: AwareDateTime | None
    status: str
    amount: Money
    due_amount: Money
    pending_amount: Money
    todo_amount: Money
    unmatured_amount: Money

    @classmethod
    def from_api(cls, obj: Any) -> Debt:
        r = _Reader("debt.Debt", obj, "debtId")
        return cls(
            debt_id=r.integer("debtId"),
            order_id=r.integer("orderId"),
            date=r.datetime("date"),
            due_date=r.datetime("dueDate", nullable=True),
            status=r.string("status"),
            amount=r.money("amount"),
            due_amount=r.money("dueAmount"),
            pending_amount=r.money("pendingAmount"),
            todo_amount=r.money("todoAmount"),
            unmatured_amount=r.money("unmaturedAmount"),
        )


@dataclass(frozen=True, slots=True)
class DebtBalance:
    """``debt.Balance``: the account-wide balance (``/me/debtAccount``)."""

    active: bool
    due_amount: Money
    pending_amount: Money
    todo_amount: Money
    unmatured_amount: Money

    @classmethod
    def from_api(cls, obj: Any) -> DebtBalance:
        r = _Reader("debt.Balance", obj)
        return cls(
            active=bool(r.boolean("active", nullable=True)),
            due_amount=r.money("dueAmount"),
            pending_amount=r.money("pendingAmount"),
            todo_amount=r.money("todoAmount"),
            unmatured_amount=r.money("unmaturedAmount"),
        )


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    """``debt.associatedObject.PaymentInfo``."""

    payment_type: str
    description: str | None = None
    public_label: str | None = None

    @classmethod
    def from_api(cls, obj: Any) -> PaymentInfo:
        r = _Reader("debt.associatedObject.PaymentInfo", obj)
        return cls(
            payment_type=r.string("paymentType"),
            description=r.string("description", nullable=True),
            public_label=r.string("publicLabel", nullable=True),
        )


@dataclass(frozen=True, slots=True)
class DebtOperation:
    """``debt.Operation``: one movement on a debt (a payment, a refund, a cancellation …)."""

    operation_id: int
    date: datetime
    amount: Money
    deposit_order_id: int
    status: str
    type: str | None

    @classmethod
    def from_api(cls, obj: Any) -> DebtOperation:
        r = _Reader("debt.Operation", obj, "operationId")
        return cls(
            operation_id=r.integer("operationId"),
            date=r.datetime("date"),
            amount=r.money("amount"),
            deposit_order_id=r.integer("depositOrderId"),
            status=r.string("status"),
            type=r.string("type", nullable=True),
        )


@dataclass(frozen=True, slots=True)
class Deposit:
    """``billing.Deposit``: a payment, as listed in payment tracking ("Suivi des paiements")."""

    deposit_id: str
    date: datetime
    order_id: int
    amount: Money
    payment_info: PaymentInfo | None
    url: str
    pdf_url: str
    password: str

    @property
    def payment_type(self) -> str:
        """The payment mean, ``missing`` when the API does not say."""
        return self.payment_info.payment_type if self.payment_info else "missing"

    @classmethod
    def from_api(cls, obj: Any) -> Deposit:
        r = _Reader("billing.Deposit", obj, "depositId")
        return cls(
            deposit_id=r.string("depositId"),
            date=r.datetime("date"),
            order_id=r.integer("orderId"),
            amount=r.money("amount"),
            payment_info=r.nested("paymentInfo", PaymentInfo.from_api, nullable=True),
            url=r.string("url", nullable=True) or "",
            pdf_url=r.string("pdfUrl", nullable=True) or "",
            password=r.string("password", nullable=True) or "",
        )


@dataclass(frozen=True, slots=True)
class Refund:
    """``billing.Refund``: a credit note ("avoir"), tied to the bill it credits by ``original_bill_id``."""

    refund_id: str
    date: datetime
    order_id: int
    original_bill_id: str | None
    price_with_tax: Money
    price_without_tax: Money
    tax: Money
    url: str
    pdf_url: str
    password: str

    @classmethod
    def from_api(cls, obj: Any) -> Refund:
        r = _Reader("billing.Refund", obj, "refundId")
        return cls(
            refund_id=r.string("refundId"),
            date=r.datetime("date"),
            order_id=r.integer("orderId"),
            original_bill_id=r.string("originalBillId", nullable=True),
            price_with_tax=r.money("priceWithTax"),
            price_without_tax=r.money("priceWithoutTax"),
            tax=r.money("tax"),
            url=r.string("url", nullable=True) or "",
            pdf_url=r.string("pdfUrl", nullable=True) or "",
            password=r.string("password", nullable=True) or "",
        )


@dataclass(frozen=True, slots=True)
class Order:
    """``billing.Order``: e.g. the regularisation order created by paying the balance (``url`` pays it)."""

    order_id: int
    date: datetime | None
    expiration_date: datetime | None
    retraction_date: datetime | None
    price_with_tax: Money
    price_without_tax: Money
    tax: Money
    url: str
    pdf_url: str
    password: str

    @classmethod
    def from_api(cls, obj: Any) -> Order:
        r = _Reader("billing.Order", obj, "orderId")
        return cls(
            order_id=r.integer("orderId"),
            date=r.datetime("date", nullable=True),
            expiration_date=r.datetime("expirationDate", nullable=True),
            retraction_date=r.datetime("retractionDate", nullable=True),
            price_with_tax=r.money("priceWithTax"),
            price_without_tax=r.money("priceWithoutTax"),
            tax=r.money("tax"),
            url=r.string("url", nullable=True) or "",
            pdf_url=r.string("pdfUrl", nullable=True) or "",
            password=r.string("password", nullable=True) or "",
        )


@dataclass(frozen=True, slots=True)
class Account:
    """``nichandle.Nichandle`` (``/me``): the account and its billing contact."""

    nichandle: str
    email: str
    country: str
    currency_code: str
    language: str | None
    ovh_subsidiary: str
    firstname: str | None
    name: str | None
    organisation: str | None
    address: str | None
    zip: str | None
    city: str | None
    phone: str | None
    vat: str | None
    customer_code: str | None

    @classmethod
    def from_api(cls, obj: Any) -> Account:
        r = _Reader("nichandle.Nichandle", obj, "nichandle")
        currency = r.raw("currency", nullable=True)
        code = currency.get("code") if isinstance(currency, Mapping) else None
        return cls(
            nichandle=r.string("nichandle"),
            email=r.string("email", nullable=True) or "",
            country=r.string("country", nullable=True) or "",
            currency_code=str(code or "EUR"),
            language=r.string("language", nullable=True),
            ovh_subsidiary=r.string("ovhSubsidiary", nullable=True) or "",
            firstname=r.string("firstname", nullable=True),
            name=r.string("name", nullable=True),
            organisation=r.string("organisation", nullable=True),
            address=r.string("address", nullable=True),
            zip=r.string("zip", nullable=True),
            city=r.string("city", nullable=True),
            phone=r.string("phone", nullable=True),
            vat=r.string("vat", nullable=True),
            customer_code=r.string("customerCode", nullable=True),
        )


@dataclass(frozen=True, slots=True)
class NewTicket:
    """``support.NewMessageInfo``: the support ticket created by a cancellation request."""

    ticket_id: int
    ticket_number: int
    message_id: int
    additional_notice: str | None

    @classmethod
    def from_api(cls, obj: Any) -> NewTicket:
        r = _Reader("support.NewMessageInfo", obj, "ticketId")
        return cls(
            ticket_id=r.integer("ticketId"),
            ticket_number=r.integer("ticketNumber"),
            message_id=r.integer("messageId"),
            additional_notice=r.string("additionalNotice", nullable=True),
        )


@dataclass(frozen=True, slots=True)
class CredentialRequest:
    """``auth.ApiCredentialRequest``: a consumer key waiting for the user's validation."""

    consumer_key: str
    validation_url: str
    state: str

    @classmethod
    def from_api(cls, obj: Any) -> CredentialRequest:
        r = _Reader("auth.ApiCredentialRequest", obj)
        return cls(
            consumer_key=r.string("consumerKey"),
            validation_url=r.string("validationUrl"),
            state=r.string("state"),
        )


# --- status as OVHcloud's console computes it ------------------------------------------------------

PAID = "PAID"
UNPAID = "UNPAID"
TO_BE_PAID = "TO_BE_PAID"
UNMATURED = "UNMATURED"
REFUNDED = "REFUNDED"
WRITE_OFF = "WRITE_OFF"
UNKNOWN = "UNKNOWN"  # not an API status: the debts were never read (a cache saved without them)


def bill_status(debt: Debt | None) -> str:
    """A bill with no debt is paid; otherwise its debt's status says (unknown values kept)."""
    return PAID if debt is None else debt.status


def bill_balance(debt: Debt | None, currency: str) -> Money:
    """The "Solde": the debt's due amount, zero without a debt."""
    return Money.zero(currency) if debt is None else debt.due_amount


class BillRow(msgspec.Struct, frozen=True, gc=False):
    """A bill with its debt joined: one row of the invoice list (status and balance as the console shows)."""

    bill: Bill
    debt: Debt | None = None
    debt_known: bool = True  # False: the account's debts are not known (never "Paid" then, but UNKNOWN)

    @property
    def status(self) -> str:
        return bill_status(self.debt) if self.debt_known else UNKNOWN

    @property
    def balance(self) -> Money:
        return bill_balance(self.debt, self.bill.price_with_tax.currency)


@dataclass(frozen=True, slots=True)
class DepositLine:
    """One line of ``/me/deposit/{id}/details``: a paid bill, or a negative credit-note line."""

    domain: str
    description: str
    total: Money

    @classmethod
    def from_api(cls, obj: Any) -> DepositLine:
        if not isinstance(obj, Mapping):
            raise ModelError("billing.DepositDetail", "<object>", f"is not an object (got {type(obj).__name__})")
        try:
            total = Money.from_api(obj.get("totalPrice"))
        except ModelError as exc:
            raise ModelError("billing.DepositDetail", f"totalPrice.{exc.field}", exc.reason) from None
        return cls(domain=str(obj.get("domain") or ""), description=str(obj.get("description") or ""), total=total)
