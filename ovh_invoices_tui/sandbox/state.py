"""The mutable state of one sandbox app: data, credentials, orders created by paying, tickets."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .accounts import AccountSpec
from .auth import Authenticator
from .config import SandboxConfig
from .generator import Dataset, generate
from .iceberg import Paginator
from .records import DebtRec, DepositRec, OperationRec, OrderRec
from .serialize import Views

ORDER_VALIDITY_S = 3_600


class NothingToPay(Exception):
    """Paying with nothing due (the API answers 400 ``Nothing to pay``)."""


@dataclass
class SandboxState:
    """What one account of the sandbox holds, and what the accounts of one sandbox share.

    ``app.state.sandbox`` is the first account's; ``accounts`` maps every account's nichandle to its state
    (the routes answer with the state of the account a request authenticates as). Per account: ``account``
    (its spec), ``data``, ``orders`` (regularisation orders by id), ``tickets`` (created tickets' bodies with
    their ids). Shared: ``auth``, ``requests`` (a Counter of ``"GET /me/bill"`` keys, set by the app),
    ``request_log`` (``(method, path, status, query_id)``) and ``faults`` (injected faults, in order).
    """

    config: SandboxConfig
    account: AccountSpec = field(init=False)
    accounts: dict[str, SandboxState] = field(init=False)
    data: Dataset = field(init=False)
    views: Views = field(init=False)
    auth: Authenticator = field(init=False)
    orders: dict[int, OrderRec] = field(default_factory=dict)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    request_log: list[tuple[str, str, int, str]] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    paginators: dict[str, Paginator] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    version: int = 0

    def __post_init__(self) -> None:
        specs = self.config.account_specs()
        self.auth = Authenticator(self.config.clock_skew_s, self.config.token_ttl_s, specs)
        self._open(specs[0])
        self.accounts = {specs[0].nichandle: self}
        for spec in specs[1:]:
            other = copy.copy(self)  # shares auth, the request counters and the accounts map
            other._open(spec)
            self.accounts[spec.nichandle] = other

    def _open(self, spec: AccountSpec) -> None:
        """Become ``spec``'s state: its own data and nothing done on it yet."""
        self.account = spec
        self.data = generate(self.config.for_account(spec))
        self.views = Views(self.data)
        self.orders, self.tickets, self.paginators, self.cache, self.version = {}, [], {}, {}, 0

    def of(self, nichandle: str) -> SandboxState:
        """The state of the account ``nichandle`` (a request authenticated as it sees only its data)."""
        return self.accounts[nichandle]

    def now(self) -> int:
        return self.auth.server_time()

    # --- paying the balance -------------------------------------------------------------------------
    def pay(self, debts: list[DebtRec]) -> OrderRec:
        """A regularisation order for what is due on ``debts``; raises NothingToPay."""
        due = [d for d in debts if d.due > 0]
        if not due:
            raise NothingToPay
        total = sum(d.due for d in due)
        order = OrderRec(self.data.next_id("order"), self.now(), total, 0, [d.debt_id for d in due])
        self.orders[order.order_id] = order
        return order

    def order_expired(self, order: OrderRec) -> bool:
        return not order.paid and self.now() > order.ts + ORDER_VALIDITY_S

    def settle(self, order: OrderRec) -> DepositRec:
        """The payment page was opened: a card payment settles the order's debts (idempotent)."""
        data = self.data
        if order.paid:
            return data.deposits[order.deposit]
        now = self.now()
        debts = [data.debt_by_id[i] for i in order.debts]
        number = data.next_id("deposit")
        deposit = DepositRec(len(data.deposits), f"{data.sub.prefix}{number:08d}", order.order_id, now,
                             sum(d.due for d in debts), "creditCard", [d.bill for d in debts])
        data.deposits.append(deposit)
        for debt in debts:
            debt.operations.append(OperationRec(data.next_id("operation"), now, debt.due, order.order_id, "DONE",
                                                "CREDITCARD_MANUAL", "Deposit", deposit.deposit_id, "creditCard"))
            debt.status = "PAID"
            debt.due = debt.todo = debt.pending = debt.unmatured = 0
            data.bills[debt.bill].deposit = deposit.index
        order.paid, order.deposit = True, deposit.index
        data.reindex()
        self.version += 1
        return deposit

    # --- support ---------------------------------------------------------------------------------------
    def create_ticket(self, body: dict[str, Any]) -> dict[str, Any]:
        """Store a ticket; returns its ``support.NewMessageInfo``."""
        n = len(self.tickets) + 1
        info = {"additionalNotice": None, "messageId": 7_000_000 + n, "ticketId": 9_000_000 + n,
                "ticketNumber": 1_200_000 + n}
        self.tickets.append({**body, **info})
        return info
