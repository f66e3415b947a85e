"""``/me/bill/*`` routes: invoices, their lines, their debt and its operations, paying, export."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .api import (
    ApiError,
    bad_request,
    datetime_param,
    endpoint,
    json_body,
    json_fields,
    json_response,
    listing,
    native_dates,
    native_long,
    not_found,
)
from .catalogue import Line
from .iceberg import Field, datetime_value
from .records import DebtRec, OperationRec
from .state import NothingToPay, SandboxState

CATEGORIES = ("autorenew", "earlyrenewal", "purchase", "purchase-cloud", "purchase-servers",
              "purchase-telecom", "purchase-web")
ARCHIVE_TYPES = ("csv", "zip")  # billing.ArchiveTypeEnum


def bill_fields(state: SandboxState) -> Mapping[str, Field]:
    """Fast iceberg fields over bill indexes (read from the compact records, not the JSON)."""
    bills, views = state.data.bills, state.views
    return {
        "billId": Field(lambda i: bills[i].bill_id, str, natural=True),
        "date": Field(lambda i: bills[i].ts, datetime_value, lambda i: views.bill(i)["date"], natural=True),
        "orderId": Field(lambda i: bills[i].order_id, int, natural=True),
        "category": Field(lambda i: bills[i].category, str),
        "priceWithTax": Field(lambda i: bills[i].ttc / 100, float),
        "priceWithoutTax": Field(lambda i: bills[i].ht / 100, float),
        "tax": Field(lambda i: bills[i].tax / 100, float),
    }


def bill_index(state: SandboxState, bill_id: str) -> int:
    index = state.data.bill_index.get(bill_id)
    if index is None:
        raise not_found("billId", bill_id)
    return index


def bill_debt(state: SandboxState, bill_id: str) -> DebtRec:
    debt = state.data.debt_by_bill.get(bill_index(state, bill_id))
    if debt is None:
        raise not_found("billId", bill_id)
    return debt


def operation_of(debt: DebtRec, raw: str) -> OperationRec:
    for op in debt.operations:
        if str(op.operation_id) == raw:
            return op
    raise not_found("operationId", raw)


def operation_ids(request: Request, debt: DebtRec) -> list[int]:
    deposit_order = native_long(request, "depositOrderId")
    return [op.operation_id for op in debt.operations
            if deposit_order is None or op.deposit_order_id == deposit_order]


def debt_routes(prefix: str, find: Callable[[Request, SandboxState], DebtRec]) -> list[Route]:
    """A debt and its operations, under ``prefix`` (``/me/bill/{billId}/debt``, ``/me/debtAccount/debt/{debtId}``).

    The two places the API exposes a debt differ only in how it is found.
    """

    @endpoint
    async def get_debt(request: Request, state: SandboxState) -> Response:
        return json_response(state.views.debt(find(request, state)))

    @endpoint
    async def list_operations(request: Request, state: SandboxState) -> Response:
        return json_response(operation_ids(request, find(request, state)))

    @endpoint
    async def get_operation(request: Request, state: SandboxState) -> Response:
        debt = find(request, state)
        return json_response(state.views.operation(operation_of(debt, request.path_params["operationId"])))

    @endpoint
    async def get_associated(request: Request, state: SandboxState) -> Response:
        debt = find(request, state)
        return json_response(state.views.associated(operation_of(debt, request.path_params["operationId"])))

    return [
        Route(prefix, get_debt),
        Route(f"{prefix}/operation", list_operations),
        Route(f"{prefix}/operation/{{operationId}}", get_operation),
        Route(f"{prefix}/operation/{{operationId}}/associatedObject", get_associated),
    ]


def order_response(state: SandboxState, debts: list[DebtRec]) -> Response:
    try:
        order = state.pay(debts)
    except NothingToPay:
        raise bad_request("Nothing to pay") from None
    return json_response(state.views.order(order.order_id, state.orders))


@endpoint
async def list_bills(request: Request, state: SandboxState) -> Response:
    data = state.data
    ts_from, ts_to = native_dates(request)
    items: range | list[int] = data.bills_between(ts_from, ts_to)
    order_id = native_long(request, "orderId")
    if order_id is not None:
        items = [i for i in items if data.bills[i].order_id == order_id]
    category = request.query_params.get("category")
    if category:
        if category not in CATEGORIES:
            raise bad_request(f"[category] Given data ({category}) does not belong to the billing.CategoryEnum "
                              "enumeration")
        items = [i for i in items if data.bills[i].category == category]
    return listing(request, state, "bills", items, lambda i: data.bills[i].bill_id, state.views.bill,
                   lambda: bill_fields(state), state.views.bill_raw)


@endpoint
async def get_bill(request: Request, state: SandboxState) -> Response:
    return json_response(state.views.bill(bill_index(state, request.path_params["billId"])))


@endpoint
async def pay_bill(request: Request, state: SandboxState) -> Response:
    debt = state.data.debt_by_bill.get(bill_index(state, request.path_params["billId"]))
    return order_response(state, [debt] if debt else [])


def detail_fields(state: SandboxState) -> Mapping[str, Field]:
    kinds = {"billDetailId": "str", "description": "str", "domain": "str", "quantity": "str",
             "periodStart": "date", "periodEnd": "date", "totalPrice": "price"}
    return json_fields(state.views.bill_detail, kinds)


@endpoint
async def list_details(request: Request, state: SandboxState) -> Response:
    lines = state.views.lines(bill_index(state, request.path_params["billId"]))
    return listing(request, state, "details", lines, lambda line: line.detail_id, state.views.bill_detail,
                   lambda: detail_fields(state))


def find_line(state: SandboxState, bill_id: str, detail_id: str) -> Line:
    for line in state.views.lines(bill_index(state, bill_id)):
        if line.detail_id == detail_id:
            return line
    raise not_found("billDetailId", detail_id)


@endpoint
async def get_detail(request: Request, state: SandboxState) -> Response:
    line = find_line(state, request.path_params["billId"], request.path_params["billDetailId"])
    return json_response(state.views.bill_detail(line))


@endpoint
async def get_payment(request: Request, state: SandboxState) -> Response:
    bill_id = request.path_params["billId"]
    payment = state.views.bill_payment(bill_index(state, bill_id))
    if payment is None:
        raise ApiError(404, {"class": "Client::NotFound", "message": f"No payment for bill {bill_id}"})
    return json_response(payment)


def export_request(body: object) -> None:
    """Check a ``POST …/export`` body against the schema (400 with the API's message otherwise)."""
    if not isinstance(body, dict):
        raise bad_request("Invalid body")
    archive = body.get("archiveType")
    if archive is None:
        raise bad_request("[archiveType] Property is mandatory")
    if archive not in ARCHIVE_TYPES:
        raise bad_request(f"[archiveType] Given data ({archive}) does not belong to the billing.ArchiveTypeEnum "
                          "enumeration")
    for name in ("startDate", "endDate"):
        if body.get(name) is not None:
            datetime_param(name, body[name])
    ids = body.get("ids")
    if ids is not None and not isinstance(ids, list):
        raise bad_request(f"[ids] Given data ({ids}) is not valid for type string[]")
    for item in ids or []:
        if not isinstance(item, str):
            raise bad_request(f"[ids] Given data ({item}) is not valid for type string")


@endpoint
async def export(request: Request, state: SandboxState) -> Response:
    """``POST /me/bill/export`` (and ``/me/refund/export``): accepted, the archive is e-mailed."""
    export_request(await json_body(request))
    return json_response(None)


ROUTES = [
    Route("/me/bill", list_bills),
    Route("/me/bill/export", export, methods=["POST"]),
    Route("/me/bill/{billId}", get_bill),
    *debt_routes("/me/bill/{billId}/debt", lambda request, state: bill_debt(state, request.path_params["billId"])),
    Route("/me/bill/{billId}/debt/pay", pay_bill, methods=["POST"]),
    Route("/me/bill/{billId}/details", list_details),
    Route("/me/bill/{billId}/details/{billDetailId}", get_detail),
    Route("/me/bill/{billId}/payment", get_payment),
]
