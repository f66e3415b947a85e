"""The accounts one sandbox serves, each with its own credentials, data, subsidiary, currency and language.

As on the real API, a consumer key (and an OAuth2 client) belongs to one account (nichandle): a request is
answered with that account's data only. The application (key and secret) is shared, as one developer's
application can be used by many accounts. The first account keeps the fixed credentials of
:mod:`.credentials`, so a one-account sandbox is exactly the historical one.

``standing`` shapes an account's debts for an accounts overview: ``mixed`` (the default data: a few recent
invoices due, a failed direct debit among them), ``overdue`` (invoices due whose ``dueDate`` is past, no failed
payment), ``failed_payment`` (one debt whose operation is ``FAILED``, not yet overdue), ``paid`` (nothing due)
and ``rejected`` (its credentials do not exist on the server: 403 ``INVALID_CREDENTIAL``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from . import credentials

STANDINGS = ("mixed", "overdue", "failed_payment", "paid", "rejected")
MAX_ACCOUNTS = 100
# The demo accounts: (standing, subsidiary, organisation); the subsidiary sets currency and language.
DEMO = (
    ("overdue", "FR", "Ma Boutique SAS"),
    ("failed_payment", "GB", "Brixton Bikes Ltd"),
    ("paid", "CA", "Érable Numérique inc."),
    ("rejected", "US", "Desert Rose LLC"),
)
MORE_SUBSIDIARIES = ("FR", "DE", "GB", "ES", "IT", "CA", "US")


@dataclass(frozen=True)
class AccountSpec:
    """One account: who it is, how it authenticates, what data it holds (generated from ``seed``)."""

    nichandle: str
    consumer_key: str
    readonly_consumer_key: str  # granted GET only
    client_id: str  # OAuth2 client credentials
    client_secret: str
    subsidiary: str = "FR"
    bills: int = 500
    seed: int = 42
    standing: str = "mixed"
    organisation: str = "Ma Boutique SAS"
    email: str = "compta@maboutique.example"
    application_key: str = credentials.APPLICATION_KEY
    application_secret: str = credentials.APPLICATION_SECRET

    @property
    def rejected(self) -> bool:
        """Its credentials are unknown to the server (a revoked key, a deleted service account)."""
        return self.standing == "rejected"


def account(number: int, *, seed: int = 42, bills: int = 500, subsidiary: str = "FR", standing: str = "mixed",
            organisation: str | None = None) -> AccountSpec:
    """Account ``number`` (0 is the historical one) of a sandbox seeded ``seed``: credentials and data seed.

    Account 0 keeps :mod:`.credentials` and ``seed``; the others get numbered credentials and a nichandle and
    data seed drawn from ``seed`` (the same seed always gives the same accounts).
    """
    if number == 0:
        return AccountSpec(credentials.NICHANDLE, credentials.CONSUMER_KEY, credentials.READONLY_CONSUMER_KEY,
                           credentials.CLIENT_ID, credentials.CLIENT_SECRET, subsidiary.upper(), bills, seed,
                           standing, organisation or "Ma Boutique SAS")
    rng = random.Random(f"sandbox-account:{seed}:{number}")
    letters = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(2))
    nichandle = f"{letters}{rng.randrange(10_000, 100_000)}-ovh"
    n = number + 1
    organisation = organisation or f"Client {n}"
    slug = "".join(c for c in organisation.lower() if c.isascii() and c.isalnum())[:16]
    return AccountSpec(nichandle, f"sandboxConsumerKey{n:015d}", f"sandboxReadonlyConsumerKey{n:07d}",
                       f"sandbox-client-id-{n}", f"sandboxClientSecret{n:015d}", subsidiary.upper(), bills,
                       rng.randrange(2**31), standing, organisation, f"compta@{slug}.example")


def demo_accounts(seed: int = 42, bills: int = 500) -> tuple[AccountSpec, ...]:
    """Four accounts whose states cover an accounts overview.

    In order: overdue invoices (FR, EUR), a failed payment (GB, GBP), fully paid in CAD (CA), and one whose
    credentials are rejected (US, 403 ``INVALID_CREDENTIAL``).
    """
    return tuple(account(i, seed=seed, bills=bills, subsidiary=sub, standing=standing, organisation=org)
                 for i, (standing, sub, org) in enumerate(DEMO))


def serve_accounts(count: int, seed: int = 42, bills: int = 500, subsidiary: str = "FR") -> tuple[AccountSpec, ...]:
    """The accounts of ``sandbox serve --accounts COUNT``.

    One account is the historical sandbox; more start with the demo accounts (the first in ``subsidiary``),
    then ordinary ``mixed`` accounts across the subsidiaries.
    """
    if count <= 1:
        return (account(0, seed=seed, bills=bills, subsidiary=subsidiary),)
    specs = list(demo_accounts(seed, bills)[:count])
    specs[0] = replace(specs[0], subsidiary=subsidiary.upper())
    for i in range(len(specs), count):
        specs.append(account(i, seed=seed, bills=bills, subsidiary=MORE_SUBSIDIARIES[i % len(MORE_SUBSIDIARIES)]))
    return tuple(specs)
