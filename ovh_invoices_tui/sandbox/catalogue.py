"""Invoice lines derived on demand from the seed and a bill: realistic OVHcloud services.

The lines of a bill always add up exactly to its ``priceWithoutTax`` (integer cents split).
"""

from __future__ import annotations

import random
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .records import BillRec

WORDS = ("maboutique", "atelier-dupont", "cafe-des-arts", "studio-lumiere", "exemple", "bricolage-pro",
         "jardin-bio", "velo-club", "librairie-eclair", "photo-nature", "agence-nova", "boulangerie-martin")
_Domain = Callable[[random.Random], str]


def _domain(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}.{rng.choice(('com', 'fr', 'fr', 'net', 'eu', 'org'))}"


def _vps(rng: random.Random) -> str:
    return f"vps-{rng.getrandbits(32):08x}.vps.ovh.net"


def _server(rng: random.Random) -> str:
    return f"ns{rng.randrange(3_000_000, 3_999_999)}.ip-{rng.randrange(51, 149)}-{rng.randrange(1, 254)}-" \
           f"{rng.randrange(1, 254)}.eu"


def _project(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _exchange(rng: random.Random) -> str:
    return f"hosted-xx{rng.randrange(10_000, 99_999)}-1"


def _ip(rng: random.Random) -> str:
    return f"51.{rng.randrange(68, 91)}.{rng.randrange(0, 255)}.{rng.randrange(1, 254)}/32"


def _backup(rng: random.Random) -> str:
    return f"ftpback-rbx{rng.randrange(1, 8)}-{rng.randrange(10, 999)}.ovh.net"


def _sms(rng: random.Random) -> str:
    return f"sms-xx{rng.randrange(10_000, 99_999)}-1"


@dataclass(frozen=True)
class Service:
    """A kind of invoice line: labels (fr, en), the service reference and how it is counted."""

    fr: str
    en: str
    reference: _Domain
    quantity: str  # "1", "hours" (730 h a month) or "pack"
    recurring: bool = True


SERVICES: dict[str, tuple[Service, ...]] = {
    "web": (
        Service("Renouvellement du domaine {ref} pour 1 an", "Renewal of domain {ref} for 1 year", _domain, "1"),
        Service("Hébergement Web Perso — {ref}", "Web Hosting Personal — {ref}", _domain, "1"),
        Service("Hébergement Web Pro — {ref}", "Web Hosting Professional — {ref}", _domain, "1"),
        Service("Compte Exchange « Advanced »", "Exchange account \"Advanced\"", _exchange, "1"),
    ),
    "cloud": (
        Service("Public Cloud — instance b3-8 (consommation)", "Public Cloud — b3-8 instance (usage)", _project,
                "hours"),
        Service("Public Cloud — stockage objet (Go·mois)", "Public Cloud — object storage (GB·month)", _project,
                "hours"),
        Service("VPS Comfort 4 vCores / 8 Go — {ref}", "VPS Comfort 4 vCores / 8 GB — {ref}", _vps, "1"),
    ),
    "servers": (
        Service("Serveur dédié Rise-1 — {ref}", "Dedicated server Rise-1 — {ref}", _server, "1"),
        Service("Serveur dédié Advance-2 — {ref}", "Dedicated server Advance-2 — {ref}", _server, "1"),
        Service("IP Failover {ref}", "Additional IP {ref}", _ip, "1"),
        Service("Backup Storage 500 Go — {ref}", "Backup Storage 500 GB — {ref}", _backup, "1"),
    ),
    "telecom": (
        Service("Pack de 1000 SMS — {ref}", "Pack of 1000 SMS — {ref}", _sms, "pack", recurring=False),
        Service("Ligne SIP — {ref}", "SIP line — {ref}", _sms, "1"),
    ),
}
CATEGORY_FAMILIES = {
    "purchase-web": ("web",), "purchase-cloud": ("cloud",), "purchase-servers": ("servers",),
    "purchase-telecom": ("telecom",), "purchase": ("web", "cloud", "telecom"),
    "autorenew": ("web", "cloud", "servers"), "earlyrenewal": ("web", "servers"),
}


@dataclass(frozen=True)
class Line:
    """One generated invoice line (amounts in cents; ``unit`` may have more decimals, as LongPrice)."""

    detail_id: str
    description: str
    reference: str
    quantity: str
    unit_value: float
    total: int
    period_start: date | None
    period_end: date | None


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split integer cents into ``parts`` positive amounts that add up exactly."""
    parts = max(1, min(parts, total)) if total > 0 else 1
    weights = [0.2 + rng.random() for _ in range(parts)]
    scale = sum(weights)
    amounts = [max(1, int(total * w / scale)) for w in weights[:-1]] if total > 0 else []
    amounts.append(total - sum(amounts))
    return amounts


def _period(day: date, recurring: bool, category: str) -> tuple[date | None, date | None]:
    if not recurring or (category.startswith("purchase") and category != "purchase-cloud"):
        return None, None
    last = day.replace(day=monthrange(day.year, day.month)[1])
    return day, last if last > day else day


def bill_lines(seed: int, bill: BillRec, day: date, french: bool) -> list[Line]:
    """The lines of a bill, deterministic from the seed and the bill id; they sum to its HT."""
    rng = random.Random(f"{seed}/{bill.bill_id}")
    families = CATEGORY_FAMILIES[bill.category]
    lines: list[Line] = []
    for n, total in enumerate(_split(bill.ht, bill.lines, rng), start=1):
        service = rng.choice(SERVICES[rng.choice(families)])
        ref = service.reference(rng)
        label = (service.fr if french else service.en).format(ref=ref)
        if service.quantity == "hours":
            quantity = "730"
        elif service.quantity == "pack":
            packs = 1 + rng.randrange(3)
            quantity = str(packs if total % packs == 0 else 1)
        else:
            quantity = "1"
        unit = round(total / 100 / int(quantity), 6)
        start, end = _period(day, service.recurring, bill.category)
        lines.append(Line(f"{bill.bill_id}-{n}", label, ref, quantity, unit, total, start, end))
    return lines
