"""One account as screens and actions see it: its client, its stores, its cache, its guard.

The App builds one :class:`AccountSession` and passes it down to every screen it opens (attributes down);
screens and actions read the account through it instead of reaching into the App. Switching profile
swaps its client and cache in place, so the screens holding it keep seeing the current account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ovh_invoices_tui.core.models import BillDetail, DebtOperation, Deposit, Payment
from ovh_invoices_tui.core.paying import ActionGuard
from ovh_invoices_tui.data import invoices, payments
from ovh_invoices_tui.state.invoices import Store
from ovh_invoices_tui.state.payments import PaymentsStore

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.data.cache.db import BillCache


@dataclass(eq=False)
class AccountSession:
    """The account being worked on: what was loaded of it, how to reach it, what may be done to it."""

    client: OvhClient
    profile_name: str
    endpoint_label: str  # "sandbox" for the demo, else the API endpoint's name
    download_dir: Path  # where documents and exports are saved
    cache: BillCache | None = None  # the profile's local cache (None: --no-cache, or it cannot be opened)
    demo: bool = False  # the in-process sandbox (its payment pages can be "paid" from the app)
    readonly: bool = False  # nothing that writes to the account (flag, config, profile, or offline)
    store: Store = field(default_factory=Store)
    payments: PaymentsStore = field(default_factory=PaymentsStore)  # payment tracking, loaded on first use
    guard: ActionGuard = field(default_factory=ActionGuard)  # one money flow at a time, one POST per flow

    async def bill_details(self, bill_id: str) -> list[BillDetail]:
        """An invoice's lines, through the cache; their services become searchable."""
        return await invoices.bill_details(self.client, self.store, self.cache, bill_id)

    async def find_settling_deposit(
        self, bill_id: str, operations: Sequence[DebtOperation], payment: Payment | None = None
    ) -> Deposit | None:
        """The payment (deposit) that settled a bill (:func:`ovh_invoices_tui.data.payments.find_settling_deposit`)."""
        return await payments.find_settling_deposit(
            self.client, bill_id, operations, payment, store=self.payments, cache=self.cache
        )
