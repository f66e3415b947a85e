"""Compact in-memory records of the sandbox's data (amounts in integer cents, dates in epoch seconds)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class BillRec:
    """A ``billing.Bill`` header; its lines are derived on demand from the seed and the id."""

    index: int
    bill_id: str
    order_id: int
    ts: int
    category: str
    ht: int
    tax: int
    lines: int
    deposit: int = -1  # index of the deposit that paid it, -1 when unpaid

    @property
    def ttc(self) -> int:
        return self.ht + self.tax


@dataclass(slots=True)
class OperationRec:
    """A ``debt.Operation`` and what its ``associatedObject`` points to."""

    operation_id: int
    ts: int
    amount: int
    deposit_order_id: int
    status: str
    type: str | None
    object_type: str | None = None
    object_id: str | None = None
    payment_type: str | None = None


@dataclass(slots=True)
class DebtRec:
    """A ``debt.Debt`` on one bill's order (mutable: paying it settles it)."""

    debt_id: int
    bill: int
    status: str
    amount: int
    due: int
    todo: int
    pending: int
    unmatured: int
    due_ts: int | None
    operations: list[OperationRec] = field(default_factory=list)


@dataclass(slots=True)
class DepositRec:
    """A ``billing.Deposit`` (a payment) and the bills it paid; ``refund`` is the credit note it absorbed."""

    index: int
    deposit_id: str
    order_id: int
    ts: int
    amount: int
    payment_type: str | None
    bills: list[int]
    refund: int = -1


@dataclass(slots=True)
class RefundRec:
    """A ``billing.Refund`` (credit note); ``deposit`` is the later payment it reduced (-1 if none)."""

    index: int
    refund_id: str
    order_id: int
    ts: int
    original_bill: int
    ht: int
    tax: int
    deposit: int = -1

    @property
    def ttc(self) -> int:
        return self.ht + self.tax


@dataclass(slots=True)
class OrderRec:
    """A regularisation ``billing.Order`` created by paying the balance."""

    order_id: int
    ts: int
    ht: int
    tax: int
    debts: list[int]
    paid: bool = False
    deposit: int = -1

    @property
    def ttc(self) -> int:
        return self.ht + self.tax
