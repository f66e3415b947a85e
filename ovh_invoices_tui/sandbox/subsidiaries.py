"""What changes with the OVHcloud subsidiary: reference prefix, currency, VAT rate, time zone, language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Subsidiary:
    """One subsidiary's billing conventions."""

    code: str
    prefix: str
    currency: str
    symbol: str
    vat_rate: Decimal
    tz_name: str
    language: str
    city: str
    zip: str
    address: str
    company_prefix_symbol: bool  # "£12.99" rather than "12.99 €"

    @property
    def french(self) -> bool:
        return self.language.startswith("fr")

    def tz(self) -> tzinfo:
        """The subsidiary's time zone (a fixed offset when the system has no tz database)."""
        try:
            return ZoneInfo(self.tz_name)
        except ZoneInfoNotFoundError:  # pragma: no cover - depends on the host
            return timezone(timedelta(hours=1 if self.tz_name.startswith("Europe") else -5))

    def tax_cents(self, ht_cents: int) -> int:
        """VAT on an amount, rounded half-up to the cent (exact, no float)."""
        return int((Decimal(ht_cents) * self.vat_rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def text(self, cents: int) -> str:
        """The API's ``text`` of a price, e.g. ``12.99 €`` or ``£12.99``."""
        if self.company_prefix_symbol:
            sign = "-" if cents < 0 else ""
            return f"{sign}{self.symbol}{abs(cents) / 100:.2f}"
        return f"{cents / 100:.2f} {self.symbol}"


def _s(code: str, prefix: str, currency: str, symbol: str, vat: str, tz: str, lang: str,
       city: str, zip_: str, address: str, before: bool = False) -> Subsidiary:
    return Subsidiary(code, prefix, currency, symbol, Decimal(vat), tz, lang, city, zip_, address, before)


SUBSIDIARIES: dict[str, Subsidiary] = {
    "FR": _s("FR", "FR", "EUR", "€", "0.20", "Europe/Paris", "fr_FR", "Roubaix", "59100", "2 rue Kellermann"),
    "DE": _s("DE", "DE", "EUR", "€", "0.19", "Europe/Berlin", "de_DE", "Saarbrücken", "66123",
             "St. Johanner Markt 3"),
    "GB": _s("GB", "GB", "GBP", "£", "0.20", "Europe/London", "en_GB", "London", "EC2A 4NE",
             "1 Shoreditch High Street", before=True),
    "ES": _s("ES", "ES", "EUR", "€", "0.21", "Europe/Madrid", "es_ES", "Madrid", "28013", "Calle Mayor 10"),
    "IT": _s("IT", "IT", "EUR", "€", "0.22", "Europe/Rome", "it_IT", "Milano", "20121", "Via Roma 12"),
    "CA": _s("CA", "CA", "CAD", "$", "0.14975", "America/Montreal", "fr_CA", "Montréal", "H2X 1Y4",
             "1801 avenue McGill College", before=True),
    "US": _s("US", "US", "USD", "$", "0", "America/New_York", "en_US", "Reston", "20190",
             "11950 Democracy Drive", before=True),
}


def subsidiary(code: str) -> Subsidiary:
    """The conventions of a subsidiary code (unknown codes raise ValueError)."""
    try:
        return SUBSIDIARIES[code.upper()]
    except KeyError:
        raise ValueError(f"unknown subsidiary {code!r} (known: {', '.join(SUBSIDIARIES)})") from None
