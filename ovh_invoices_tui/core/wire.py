"""Pages of API objects decoded straight from the response bytes into typed models (msgspec).

A page of 5,000 bills decoded as generic JSON and then read field by field costs a second per 100,000
bills; decoded by msgspec into the model Structs it costs a tenth of that and builds no intermediate dict.
The typed decoder only takes a page as it is when every object is exactly the common, well-formed case;
otherwise (an id given as a number, a null, a naive date, a broken object …) :func:`decode_page` answers
None and the caller reads the page with the models' ``from_api`` readers, which are the reference: they
accept the same objects with the same values, and name the model, id and field of each one they refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import msgspec

from ovh_invoices_tui.core.models import LINK_MARK, MAX_YEAR, MIN_YEAR, Bill, Debt, Money, stored_links

T = TypeVar("T")
_set = msgspec.structs.force_setattr  # the only way to share a part between frozen Structs once decoded


_DEBT_AMOUNTS = ("amount", "due_amount", "pending_amount", "todo_amount", "unmatured_amount")


class Shared:
    """Equal amounts and repeated words shared by the objects of a listing, as the cache always did.

    A decoder builds a new ``Money`` (and its currency) for every amount and a new string for every
    category, currency and compact link base: 100,000 bills are 300,000 amounts, but only tens of thousands of
    different ones. Sharing them saves about a third of a bill's memory. Keep one ``Shared`` for the pages of
    one listing.
    """

    __slots__ = ("_money", "_words")

    def __init__(self) -> None:
        self._money: dict[int, Money] = {}  # by micro-cents: a cheap key, then equality checked
        self._words: dict[str, str] = {}

    def bills(self, bills: Iterable[Bill]) -> None:
        money, words = self._money.setdefault, self._words.setdefault
        for bill in bills:  # inlined: this runs 100,000 times in a cold load
            a = bill.price_with_tax
            b = money(a.ucents, a)
            if b is a:  # a new amount, kept: its currency is shared (a string each, else)
                _set(a, "currency", words(a.currency, a.currency))
            elif b == a:
                _set(bill, "price_with_tax", b)
            a = bill.price_without_tax
            b = money(a.ucents, a)
            if b is a:
                _set(a, "currency", words(a.currency, a.currency))
            elif b == a:
                _set(bill, "price_without_tax", b)
            a = bill.tax
            b = money(a.ucents, a)
            if b is a:
                _set(a, "currency", words(a.currency, a.currency))
            elif b == a:
                _set(bill, "tax", b)
            category = words(bill.category, bill.category)
            if category is not bill.category:
                _set(bill, "category", category)
            url = bill.stored_url
            if url.startswith(LINK_MARK):  # compact links (read back from the cache): one base for all
                base = words(url, url)
                if base is not url:
                    _set(bill, "stored_url", base)

    def debts(self, debts: Iterable[Debt]) -> None:
        amount, word = self._amount, self._word
        for debt in debts:
            for name in _DEBT_AMOUNTS:
                amount(debt, name, getattr(debt, name))
            word(debt, "status", debt.status)

    def _amount(self, owner: Any, name: str, money: Money) -> None:
        shared = self._money.setdefault(money.ucents, money)
        if shared is money:
            _set(money, "currency", self._words.setdefault(money.currency, money.currency))
        elif shared == money:
            _set(owner, name, shared)

    def _word(self, owner: Any, name: str, text: str) -> None:
        shared = self._words.setdefault(text, text)
        if shared is not text:
            _set(owner, name, shared)

    def share(self, kind: type, items: list[Any]) -> None:
        """Share the parts of ``items``, objects of ``kind`` (Bill or Debt)."""
        (self.bills if kind is Bill else self.debts)(items)


def compact_links(bills: Iterable[Bill]) -> None:
    """Store the links of bills decoded from the API as :func:`~ovh_invoices_tui.core.models.stored_links` says
    (those following OVHcloud's pattern keep only their shared base); never for bills read back from the cache."""
    cgi = pdf = marked = ""  # the last base seen, ending in ".cgi?" / ".pdf?", and as stored: nearly every bill's
    for bill in bills:  # inlined for the common case: this runs 100,000 times in a cold load
        url, other = bill.stored_url, bill.stored_pdf_url
        if cgi and url.startswith(cgi):
            query = f"reference={bill.bill_id}&passwd={bill.password}"
            if (
                len(url) == len(cgi) + len(query)
                and url.endswith(query)
                and len(other) == len(url)
                and other.startswith(pdf)
                and other.endswith(query)
            ):
                _set(bill, "stored_url", marked)
                _set(bill, "stored_pdf_url", "")
                continue
        stored, pdf_stored = stored_links(bill.bill_id, url, other, bill.password)
        if stored is not url:
            _set(bill, "stored_url", stored)
            _set(bill, "stored_pdf_url", pdf_stored)
            if stored.startswith(LINK_MARK) and not stored.startswith(LINK_MARK, 1):
                marked, cgi, pdf = stored, stored[1:] + ".cgi?", stored[1:] + ".pdf?"


def _bills_plain(bills: Iterable[Bill]) -> bool:
    # A link starting with LINK_MARK is kept escaped (models.stored_links): the readers do that.
    return all(MIN_YEAR <= bill.date.year <= MAX_YEAR and not bill.stored_url.startswith(LINK_MARK) for bill in bills)


def _debt_dates_plausible(debts: Iterable[Debt]) -> bool:
    return all(
        MIN_YEAR <= debt.date.year <= MAX_YEAR and (debt.due_date is None or MIN_YEAR <= debt.due_date.year <= MAX_YEAR)
        for debt in debts
    )


# What msgspec cannot say in a type (the years a date may have): checked once the page is decoded.
_CHECKS: dict[type, Callable[[Any], bool]] = {Bill: _bills_plain, Debt: _debt_dates_plausible}


def has_typed_decoder(kind: type) -> bool:
    """Whether pages of ``kind`` can be decoded by :func:`decode_page`."""
    return kind in _CHECKS


_DECODERS: dict[type, msgspec.json.Decoder[Any]] = {}


def _decoder(kind: type[T]) -> msgspec.json.Decoder[list[T]]:
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = msgspec.json.Decoder(list[kind])  # type: ignore[valid-type]
    return decoder


def decode_page(kind: type[T], content: bytes, shared: Shared | None = None) -> list[T] | None:
    """The objects of a JSON array of ``kind`` (see :func:`has_typed_decoder`), or None when any object of
    the page is not the plain well-formed case (read the page with ``kind.from_api`` then)."""
    try:
        items = _decoder(kind).decode(content)
    except (msgspec.DecodeError, ValueError):  # ValueError: bytes that are not UTF-8
        return None
    if not _CHECKS[kind](items):
        return None
    if kind is Bill:
        compact_links(items)  # type: ignore[arg-type]
    if shared is not None:
        shared.share(kind, items)
    return items


def decode_trusted(kind: type[T], content: bytes | str, shared: Shared | None = None) -> list[T]:
    """A JSON array of ``kind`` this application wrote itself (the cache); raises ``msgspec.DecodeError``."""
    items = _decoder(kind).decode(content)
    if shared is not None:
        shared.share(kind, items)
    return items


def encode(obj: Any) -> bytes:
    """Compact JSON of a model Struct, in the API's own shape (what :func:`decode_trusted` reads back)."""
    return _ENCODER.encode(obj)


_ENCODER = msgspec.json.Encoder()
