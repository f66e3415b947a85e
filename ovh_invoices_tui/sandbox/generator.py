"""Deterministic sandbox data: bills, debts, deposits and credit notes from a seed.

Bill headers are generated eagerly in compact form (:mod:`records`); lines are derived on demand
(:mod:`catalogue`). One pass of a single ``random.Random(seed)`` builds everything, so the same
config always gives the same data.

How a credit note explains a payment shortfall: when a refund (credit note) was applied to a later
payment, the deposit's ``amount`` is the sum of its ``paidBills``' ``priceWithTax`` minus the refund's
``priceWithTax``, the refund's ``date`` precedes the deposit's, and the deposit's ``details`` list one
line per paid bill plus a negative line whose ``domain`` is the ``refundId`` (description
``Avoir <refundId>`` / ``Credit note <refundId>``). ``GET /me/refund/{id}/payment`` also answers
``paymentType: refund`` with ``paymentIdentifier`` = the deposit's ``depositId``.
:meth:`Dataset.refund_applied_to` gives the same answer in Python.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime

from .config import SandboxConfig
from .records import BillRec, DebtRec, DepositRec, OperationRec, RefundRec
from .subsidiaries import Subsidiary, subsidiary

YEARS = 4
CATEGORIES = (
    ("autorenew", 60), ("purchase-web", 10), ("purchase-cloud", 10), ("purchase-servers", 6),
    ("purchase-telecom", 4), ("purchase", 6), ("earlyrenewal", 4),
)
PAYMENT_TYPES = (
    ("debtAccount", 34), ("creditCard", 30), ("withdrawal", 5), ("paypal", 8), ("transfer", 7),
    ("ovhAccount", 5), ("refund", 2), (None, 9),
)
OPERATION_TYPES = {
    "debtAccount": "SEPA_DIRECT_DEBIT_AUTOMATIC", "creditCard": "CREDITCARD_AUTOMATIC",
    "withdrawal": "WITHDRAW_AUTOMATIC", "paypal": "PAYPAL_AUTOMATIC", "transfer": "TRANSFER_MANUAL",
    "ovhAccount": "INTERNAL_TRUSTED_ACCOUNT_AUTOMATIC", "refund": "REFUND", None: "CREDITCARD_AUTOMATIC",
}
HT_RANGES = {
    "autorenew": (299, 24_999), "purchase-web": (199, 9_999), "purchase-cloud": (500, 60_000),
    "purchase-servers": (4_999, 189_999), "purchase-telecom": (1_000, 20_000), "purchase": (99, 9_999),
    "earlyrenewal": (599, 29_999),
}
DAY = 86_400


def _weighted(table: tuple[tuple[object, int], ...]) -> list[object]:
    return [value for value, weight in table for _ in range(weight)]


def password_for(seed: int, reference: str) -> str:
    """The document password of an object (deterministic, 8 hex chars)."""
    return hashlib.sha1(f"{seed}:{reference}".encode()).hexdigest()[:8]


@dataclass
class Dataset:
    """All generated data of one sandbox, with indexes by id."""

    config: SandboxConfig
    sub: Subsidiary
    now_ts: int
    bills: list[BillRec]
    debts: list[DebtRec]
    deposits: list[DepositRec]
    refunds: list[RefundRec]
    next_ids: dict[str, int]

    def __post_init__(self) -> None:
        self.bill_ts = [b.ts for b in self.bills]
        self.bill_index = {b.bill_id: b.index for b in self.bills}
        self.bill_by_order = {b.order_id: b.index for b in self.bills}
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the id indexes of the mutable collections (after a payment)."""
        self.debt_by_bill = {d.bill: d for d in self.debts}
        self.debt_by_id = {d.debt_id: d for d in self.debts}
        self.deposit_index = {d.deposit_id: d.index for d in self.deposits}
        self.deposit_by_order = {d.order_id: d.index for d in self.deposits}
        self.refund_index = {r.refund_id: r.index for r in self.refunds}
        self.refund_by_order = {r.order_id: r.index for r in self.refunds}

    def next_id(self, kind: str) -> int:
        """A fresh id of a counter (``order``, ``deposit``, ``operation``)."""
        self.next_ids[kind] += 1
        return self.next_ids[kind]

    def bills_between(self, ts_from: float | None, ts_to: float | None) -> range:
        """Indexes of bills dated within [from, to] (bills are sorted by date)."""
        lo = 0 if ts_from is None else bisect_left(self.bill_ts, ts_from)
        hi = len(self.bill_ts) if ts_to is None else bisect_right(self.bill_ts, ts_to)
        return range(lo, max(lo, hi))

    def refund_applied_to(self, deposit_id: str) -> RefundRec | None:
        """The credit note that reduced a deposit below the sum of its paid bills, if any."""
        index = self.deposit_index.get(deposit_id)
        if index is None or self.deposits[index].refund < 0:
            return None
        return self.refunds[self.deposits[index].refund]

    def password(self, reference: str) -> str:
        return password_for(self.config.seed, reference)


def _now_ts(config: SandboxConfig) -> int:
    # Unpinned, "now" is the start of the UTC day: the same seed gives the same dates all day long.
    now = config.now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return int(now.timestamp())


def generate(config: SandboxConfig) -> Dataset:
    """Build the dataset of a config (100,000 bills take well under a few seconds)."""
    sub = subsidiary(config.subsidiary)
    rng = random.Random(config.seed)
    now_ts = _now_ts(config)
    bills = _bills(rng, config.bills, sub, now_ts)
    debts, next_op = _debts(rng, bills, now_ts, config.account_specs()[0].standing)
    gen = _Payments(rng, sub, bills, debts, now_ts, next_op)
    gen.run()
    next_ids = {"order": gen.next_order, "deposit": gen.next_deposit, "operation": gen.next_op,
                "debt": (debts[-1].debt_id if debts else 3_000_000), "refund": gen.next_refund}
    return Dataset(config, sub, now_ts, bills, debts, gen.deposits, gen.refunds, next_ids)


def _bills(rng: random.Random, count: int, sub: Subsidiary, now_ts: int) -> list[BillRec]:
    end = now_ts - 3_600
    start = end - YEARS * 365 * DAY
    step = (end - start) / max(count, 1)
    categories = _weighted(CATEGORIES)
    number = 20_000_000 + rng.randrange(1_000_000)
    order = 150_000_000 + rng.randrange(1_000_000)
    prefix, tax_of = sub.prefix, sub.tax_cents
    randrange, choice, random_ = rng.randrange, rng.choice, rng.random
    span = max(int(step), 1)
    bills: list[BillRec] = []
    append = bills.append
    for i in range(count):
        ts = start + int(i * step) + randrange(span)
        number += 1 + randrange(40)
        order += 1 + randrange(25)
        category = str(choice(categories))
        low, high = HT_RANGES[category]
        ht = low + int((high - low) * random_() ** 3)
        lines = 1 + min(5, int(random_() * random_() * 7))
        append(BillRec(i, f"{prefix}{number:08d}", order, min(ts, end), category, ht, tax_of(ht), lines))
    return bills


def _debt(debt_id: int, bill: BillRec, status: str, now_ts: int) -> DebtRec:
    amount = bill.ttc
    due = amount if status in ("UNPAID", "TO_BE_PAID", "UNMATURED") else 0
    todo = amount if status in ("UNPAID", "TO_BE_PAID") else 0
    unmatured = amount if status == "UNMATURED" else 0
    due_ts = {"UNPAID": bill.ts + 7 * DAY, "TO_BE_PAID": max(bill.ts, now_ts - DAY) + 5 * DAY,
              "UNMATURED": now_ts + 20 * DAY}.get(status, bill.ts)
    return DebtRec(debt_id, bill.index, status, amount, due, todo, 0, unmatured, due_ts)


def _debts(rng: random.Random, bills: list[BillRec], now_ts: int,
           standing: str = "mixed") -> tuple[list[DebtRec], int]:
    """Most bills are paid with no debt; a few recent ones are due; some carry a settled debt.

    ``standing`` (see :mod:`.accounts`) shapes what is due; ``mixed`` is the historical data, draw for draw.
    """
    recent = max(0, len(bills) - max(4, min(12, len(bills) // 40)))
    late = _overdue_candidates(bills, now_ts) if standing == "overdue" else set()
    debts: list[DebtRec] = []
    debt_id = 3_000_000 + rng.randrange(100_000)
    op_id = 50_000_000 + rng.randrange(1_000_000)
    for bill in bills:
        r = rng.random()
        if bill.index < recent and bill.index not in late:
            status = "PAID" if r < 0.08 else "REFUNDED" if r < 0.085 else "WRITE_OFF" if r < 0.087 else ""
        elif standing in ("mixed", "rejected"):
            status = "UNPAID" if r < 0.3 else "TO_BE_PAID" if r < 0.55 else "UNMATURED" if r < 0.65 else ""
            if bill.index == len(bills) - 1:
                status = "TO_BE_PAID"
            elif bill.index == len(bills) - 2:
                status = "UNPAID"
        else:
            status = _shaped_status(standing, bill.index, len(bills), late)
        if not status:
            continue
        debt_id += 1 + rng.randrange(30)
        debt = _debt(debt_id, bill, status, now_ts)
        failed_ts = bill.ts + 3 * DAY
        if bill.index in late:  # invoiced weeks ago, due a month after: past due, never attempted
            debt.due_ts = bill.ts + 30 * DAY
        elif standing == "failed_payment" and status == "UNPAID":  # the debit failed; a week to settle it
            failed_ts = bill.ts + min(3 * DAY, max(60, (now_ts - bill.ts) // 2))
            debt.due_ts = now_ts + 7 * DAY
        if status == "UNPAID":
            op_id += 1
            debt.operations.append(OperationRec(op_id, failed_ts, bill.ttc, bill.order_id, "FAILED",
                                                "UNPAID_SEPA_DIRECT_DEBIT", "Bill", bill.bill_id, None))
        elif status == "WRITE_OFF":
            op_id += 1
            debt.operations.append(OperationRec(op_id, bill.ts + 90 * DAY, bill.ttc, bill.order_id, "DONE",
                                                "CANCEL", "Bill", bill.bill_id, None))
        debts.append(debt)
    return debts, op_id


def _overdue_candidates(bills: list[BillRec], now_ts: int, count: int = 3) -> set[int]:
    """The newest ``count`` bills issued more than 45 days ago (due 30 days after: past due whatever the size)."""
    old = [b.index for b in bills if b.ts <= now_ts - 45 * DAY]
    return set(old[-count:])


def _shaped_status(standing: str, index: int, count: int, late: set[int]) -> str:
    """The debt status of a recent (or overdue) bill of an ``overdue``, ``failed_payment`` or ``paid`` account."""
    if standing == "overdue":
        return "TO_BE_PAID" if index in late or index == count - 1 else ""
    if standing == "failed_payment":
        return "UNPAID" if index == count - 1 else ""
    return ""


class _Payments:
    """Groups paid bills into deposits, some reduced by an earlier credit note."""

    def __init__(self, rng: random.Random, sub: Subsidiary, bills: list[BillRec], debts: list[DebtRec],
                 now_ts: int, next_op: int) -> None:
        self.rng, self.sub, self.bills, self.now_ts = rng, sub, bills, now_ts
        self.debt_by_bill = {d.bill: d for d in debts}
        self.payment_types = _weighted(PAYMENT_TYPES)
        self.deposits: list[DepositRec] = []
        self.refunds: list[RefundRec] = []
        self.next_deposit = 60_000_000 + rng.randrange(1_000_000)
        self.next_refund = 80_000_000 + rng.randrange(100_000)
        self.next_order = 900_000_000 + rng.randrange(1_000_000)
        self.next_op = next_op

    def run(self) -> None:
        group: list[int] = []
        target = 1 + self.rng.randrange(4)
        for bill in self.bills:
            debt = self.debt_by_bill.get(bill.index)
            if debt is not None and debt.status in ("UNPAID", "TO_BE_PAID", "UNMATURED", "WRITE_OFF"):
                continue
            group.append(bill.index)
            if len(group) >= target:
                self._deposit(group)
                group, target = [], 1 + self.rng.randrange(4)
        if group:
            self._deposit(group)

    def _deposit(self, group: list[int]) -> None:
        rng = self.rng
        last = self.bills[group[-1]]
        ts = min(last.ts + 3_600 + rng.randrange(3 * DAY), self.now_ts - 60)
        payment_type = rng.choice(self.payment_types)
        self.next_deposit += 1 + rng.randrange(20)
        self.next_order += 1 + rng.randrange(20)
        total = sum(self.bills[i].ttc for i in group)
        deposit = DepositRec(len(self.deposits), f"{self.sub.prefix}{self.next_deposit:08d}", self.next_order,
                             ts, total, payment_type if isinstance(payment_type, str) else None, list(group))
        self.deposits.append(deposit)
        wants_credit = rng.random() < 0.04 or (not self.refunds and len(self.deposits) >= 3)
        if wants_credit and group[0] > 0 and total > 200:
            self._credit_note(deposit, total)
        for i in group:
            self.bills[i].deposit = deposit.index
            debt = self.debt_by_bill.get(i)
            if debt is not None:
                self._settle(debt, deposit)

    def _credit_note(self, deposit: DepositRec, total: int) -> None:
        """A credit note on an earlier bill, applied to this payment (deposit.amount shrinks by it)."""
        rng = self.rng
        original = self.bills[max(0, deposit.bills[0] - 1 - rng.randrange(20))]
        max_ttc = min(original.ttc, total - 100)
        ht = max(1, int(max_ttc / (1 + float(self.sub.vat_rate)) * (0.1 + 0.5 * rng.random())))
        refund = self._new_refund(original, ht, max(original.ts + 60, deposit.ts - 3_600 - rng.randrange(DAY)))
        refund.deposit = deposit.index
        deposit.refund = refund.index
        deposit.amount = total - refund.ttc

    def _new_refund(self, original: BillRec, ht: int, ts: int) -> RefundRec:
        self.next_refund += 1 + self.rng.randrange(10)
        self.next_order += 1 + self.rng.randrange(20)
        refund = RefundRec(len(self.refunds), f"{self.sub.prefix}{self.next_refund:08d}", self.next_order,
                           min(ts, self.now_ts - 120), original.index, ht, self.sub.tax_cents(ht))
        self.refunds.append(refund)
        return refund

    def _settle(self, debt: DebtRec, deposit: DepositRec) -> None:
        bill = self.bills[debt.bill]
        self.next_op += 1
        kind = OPERATION_TYPES[deposit.payment_type]
        debt.operations.append(OperationRec(self.next_op, deposit.ts, bill.ttc, deposit.order_id, "DONE", kind,
                                            "Deposit", deposit.deposit_id, deposit.payment_type))
        if debt.status == "REFUNDED":
            refund = self._new_refund(bill, bill.ht, deposit.ts + 10 * DAY)
            self.next_op += 1
            debt.operations.append(OperationRec(self.next_op, refund.ts, -bill.ttc, refund.order_id, "DONE",
                                                "REFUND", "Refund", refund.refund_id, "refund"))
