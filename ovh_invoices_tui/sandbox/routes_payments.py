"""Payment tracking and credit notes: ``/me/deposit/*``, ``/me/refund/*``, ``/me/order/*``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .api import ApiError, endpoint, json_fields, json_response, listing, native_dates, native_long, not_found
from .iceberg import Field
from .records import DepositRec, RefundRec
from .routes_bills import bill_fields, export
from .state import SandboxState


def _dated(request: Request, items: Sequence[Any], ts: Callable[[Any], int],
           order_id: Callable[[Any], int]) -> list[Any]:
    """Native filters ``date.from``, ``date.to`` and ``orderId``."""
    ts_from, ts_to = native_dates(request)
    wanted = native_long(request, "orderId")
    return [i for i in items if (ts_from is None or ts(i) >= ts_from) and (ts_to is None or ts(i) <= ts_to)
            and (wanted is None or order_id(i) == wanted)]


def _detail_fields(id_field: str) -> Mapping[str, Field]:
    kinds = {id_field: "str", "description": "str", "domain": "str", "quantity": "str", "totalPrice": "price",
             "unitPrice": "price"}
    return json_fields(lambda d: d, kinds)


def _one_detail(details: list[dict[str, Any]], id_field: str, wanted: str) -> Response:
    """The line of a deposit or refund named ``wanted`` (404 as the API answers otherwise)."""
    for detail in details:
        if detail[id_field] == wanted:
            return json_response(detail)
    raise not_found(id_field, wanted)


# --- what deposits and refunds share --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Family:
    """Deposits and refunds answer the same four routes: a dated list, one object, its lines, one line."""

    name: str  # "deposit", "refund": the path segment and the ids' stem (depositId, depositDetailId)
    records: Callable[[SandboxState], Sequence[Any]]
    key: Callable[[Any], str]
    index: Callable[[SandboxState], Mapping[str, int]]
    fields: Callable[[SandboxState], Mapping[str, Field]]
    view: Callable[[SandboxState], Callable[[Any], Any]]
    details: Callable[[SandboxState], Callable[[Any], list[dict[str, Any]]]]

    def of(self, state: SandboxState, wanted: str) -> Any:
        """The record named ``wanted`` (404 as the API answers otherwise)."""
        index = self.index(state).get(wanted)
        if index is None:
            raise not_found(f"{self.name}Id", wanted)
        return self.records(state)[index]

    def routes(self) -> list[Route]:
        """``/me/NAME``, ``/me/NAME/{NAMEId}``, ``…/details`` and ``…/details/{NAMEDetailId}``."""
        id_field, detail_field = f"{self.name}Id", f"{self.name}DetailId"

        @endpoint
        async def listed(request: Request, state: SandboxState) -> Response:
            items = _dated(request, self.records(state), lambda r: r.ts, lambda r: r.order_id)
            return listing(request, state, f"{self.name}s", items, self.key, self.view(state),
                           lambda: self.fields(state))  # fmt: skip

        @endpoint
        async def one(request: Request, state: SandboxState) -> Response:
            return json_response(self.view(state)(self.of(state, request.path_params[id_field])))

        @endpoint
        async def lines(request: Request, state: SandboxState) -> Response:
            details = self.details(state)(self.of(state, request.path_params[id_field]))
            return listing(request, state, f"{self.name}Details", details, lambda d: d[detail_field], lambda d: d,
                           lambda: _detail_fields(detail_field))  # fmt: skip

        @endpoint
        async def line(request: Request, state: SandboxState) -> Response:
            details = self.details(state)(self.of(state, request.path_params[id_field]))
            return _one_detail(details, detail_field, request.path_params[detail_field])

        base = f"/me/{self.name}/{{{id_field}}}"
        return [
            Route(f"/me/{self.name}", listed),
            Route(base, one),
            Route(f"{base}/details", lines),
            Route(f"{base}/details/{{{detail_field}}}", line),
        ]


# --- deposits -------------------------------------------------------------------------------------------


def deposit_fields(state: SandboxState) -> Mapping[str, Field]:
    kinds = {"depositId": "str", "date": "date", "orderId": "int", "amount": "price"}
    fields = json_fields(state.views.deposit, kinds)
    fields["paymentType"] = Field(lambda d: d.payment_type or "missing", str)
    return fields


def deposit_of(state: SandboxState, deposit_id: str) -> DepositRec:
    deposit: DepositRec = DEPOSITS.of(state, deposit_id)
    return deposit


@endpoint
async def paid_bills(request: Request, state: SandboxState) -> Response:
    deposit = deposit_of(state, request.path_params["depositId"])
    bills = state.data.bills
    return listing(request, state, "paidBills", deposit.bills, lambda i: bills[i].bill_id, state.views.bill,
                   lambda: bill_fields(state), state.views.bill_raw)


@endpoint
async def paid_bill(request: Request, state: SandboxState) -> Response:
    deposit = deposit_of(state, request.path_params["depositId"])
    bill_id = request.path_params["billId"]
    index = state.data.bill_index.get(bill_id)
    if index is None or index not in deposit.bills:
        raise not_found("billId", bill_id)
    return json_response(state.views.bill(index))


@endpoint
async def deposit_payment(request: Request, state: SandboxState) -> Response:
    d = deposit_of(state, request.path_params["depositId"])
    return json_response(state.views.payment(d.ts, d.deposit_id, d.payment_type))


# --- refunds (credit notes) -------------------------------------------------------------------------------


def refund_fields(state: SandboxState) -> Mapping[str, Field]:
    kinds = {"refundId": "str", "date": "date", "orderId": "int", "originalBillId": "str",
             "priceWithTax": "price", "priceWithoutTax": "price", "tax": "price"}
    return json_fields(state.views.refund, kinds)


def refund_of(state: SandboxState, refund_id: str) -> RefundRec:
    refund: RefundRec = REFUNDS.of(state, refund_id)
    return refund


@endpoint
async def refund_payment(request: Request, state: SandboxState) -> Response:
    return json_response(state.views.refund_payment(refund_of(state, request.path_params["refundId"])))


# --- orders ---------------------------------------------------------------------------------------------


def order_ids(state: SandboxState) -> list[int]:
    cache: dict[int, list[int]] = state.cache.setdefault("order_ids", {})
    if state.version not in cache:
        data = state.data
        ids = {b.order_id for b in data.bills} | {d.order_id for d in data.deposits} | set(state.orders)
        cache.clear()
        cache[state.version] = sorted(ids)
    return cache[state.version]


def order_json(state: SandboxState, order_id: int) -> dict[str, Any]:
    obj = state.views.order(order_id, state.orders)
    if obj is None:
        raise not_found("orderId", order_id)
    return obj


def order_fields(state: SandboxState) -> Mapping[str, Field]:
    kinds = {"orderId": "int", "date": "date", "expirationDate": "date", "priceWithTax": "price",
             "priceWithoutTax": "price", "tax": "price"}
    return json_fields(lambda i: order_json(state, i), kinds)


def order_id_param(request: Request) -> int:
    raw = request.path_params["orderId"]
    if not raw.isdigit():
        raise not_found("orderId", raw)
    return int(raw)


@endpoint
async def list_orders(request: Request, state: SandboxState) -> Response:
    ts_from, ts_to = native_dates(request)
    items: list[int] = order_ids(state)
    if ts_from is not None or ts_to is not None:
        fields = order_fields(state)
        date = fields["date"].get
        items = [i for i in items if (ts_from is None or date(i) >= ts_from) and (ts_to is None or date(i) <= ts_to)]
    return listing(request, state, "orders", items, lambda i: i, lambda i: order_json(state, i),
                   lambda: order_fields(state))


@endpoint
async def get_order(request: Request, state: SandboxState) -> Response:
    return json_response(order_json(state, order_id_param(request)))


@endpoint
async def order_debt(request: Request, state: SandboxState) -> Response:
    order_id = order_id_param(request)
    index = state.data.bill_by_order.get(order_id)
    debt = state.data.debt_by_bill.get(index) if index is not None else None
    if debt is None:
        order_json(state, order_id)
        raise ApiError(404, {"class": "Client::NotFound", "message": f"No debt for order {order_id}"})
    return json_response(state.views.debt(debt))


@endpoint
async def order_status(request: Request, state: SandboxState) -> Response:
    order_id = order_id_param(request)
    order_json(state, order_id)
    regularisation = state.orders.get(order_id)
    return json_response("notPaid" if regularisation and not regularisation.paid else "delivered")


@endpoint
async def order_payment(request: Request, state: SandboxState) -> Response:
    order_id = order_id_param(request)
    order_json(state, order_id)
    data, views = state.data, state.views
    payment = None
    if order_id in state.orders:
        order = state.orders[order_id]
        if order.paid:
            d = data.deposits[order.deposit]
            payment = views.payment(d.ts, d.deposit_id, d.payment_type)
    elif order_id in data.bill_by_order:
        payment = views.bill_payment(data.bill_by_order[order_id])
    elif order_id in data.deposit_by_order:
        d = data.deposits[data.deposit_by_order[order_id]]
        payment = views.payment(d.ts, d.deposit_id, d.payment_type)
    if payment is None:
        raise ApiError(404, {"class": "Client::NotFound", "message": f"No payment for order {order_id}"})
    return json_response(payment)


DEPOSITS = _Family("deposit", lambda s: s.data.deposits, lambda d: d.deposit_id, lambda s: s.data.deposit_index,
                   deposit_fields, lambda s: s.views.deposit, lambda s: s.views.deposit_details)  # fmt: skip
REFUNDS = _Family("refund", lambda s: s.data.refunds, lambda r: r.refund_id, lambda s: s.data.refund_index,
                  refund_fields, lambda s: s.views.refund, lambda s: s.views.refund_details)  # fmt: skip

ROUTES = [
    *DEPOSITS.routes(),
    Route("/me/deposit/{depositId}/paidBills", paid_bills),
    Route("/me/deposit/{depositId}/paidBills/{billId}", paid_bill),
    Route("/me/deposit/{depositId}/payment", deposit_payment),
    Route("/me/refund/export", export, methods=["POST"]),  # before /me/refund/{refundId}
    *REFUNDS.routes(),
    Route("/me/refund/{refundId}/payment", refund_payment),
    Route("/me/order", list_orders),
    Route("/me/order/{orderId}", get_order),
    Route("/me/order/{orderId}/debt", order_debt),
    Route("/me/order/{orderId}/status", order_status),
    Route("/me/order/{orderId}/payment", order_payment),
]
