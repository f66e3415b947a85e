"""The mutable state of one sandbox app: data, credentials, orders created by paying, tickets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

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
    """Everything one app instance knows; ``app.state.sandbox``.

    Tests can read ``orders`` (regularisation orders by id), ``tickets`` (created tickets' bodies with
    their ids), ``requests`` (a Counter of ``"GET /me/bill"`` keys, set by the app), ``request_log``
    (``(method, path, status, query_id)``), ``faults`` (injected faults, in order) and ``data``.
    """

    config: SandboxConfig
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
        self.data = generate(self.config)
        self.views = Views(self.data)
        self.auth = Authenticator(self.config.clock_skew_s, self.config.token_ttl_s)

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
