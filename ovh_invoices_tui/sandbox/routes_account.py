"""Account routes: ``/auth/*``, ``/me``, ``/me/debtAccount/*`` and ``/support/tickets/create``."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .api import bad_request, endpoint, json_body, json_fields, json_response, listing, not_found
from .iceberg import Field
from .records import DebtRec
from .routes_bills import debt_routes, order_response
from .state import SandboxState

TICKET_ENUMS = {
    "category": ("assistance", "billing", "incident"),
    "subcategory": ("alerts", "autorenew", "bill", "down", "inProgress", "new", "other", "perfs", "start", "usage"),
    "type": ("criticalIntervention", "genericRequest"),
}


@endpoint(public=True)
async def auth_time(request: Request, state: SandboxState) -> Response:
    return json_response(state.now())


@endpoint(public=True)
async def auth_credential(request: Request, state: SandboxState) -> Response:
    params = await json_body(request)
    created = state.auth.request_credential(request.headers.get("x-ovh-application"), params,
                                            state.config.origin)
    return json_response(created)


@endpoint
async def current_credential(request: Request, state: SandboxState) -> Response:
    key = request.headers.get("x-ovh-consumer", "")
    cred = state.auth.credentials.get(key)
    views = state.views
    if cred is None:  # a bearer token: a service account with every right
        return json_response({"allowedIPs": None, "applicationId": 0, "creation": views.iso(state.now()),
                              "credentialId": 0, "expiration": None, "lastUse": views.iso(state.now()),
                              "ovhSupport": False, "rules": [{"method": "GET", "path": "/*"}],
                              "status": "validated"})
    return json_response({
        "allowedIPs": None, "applicationId": state.auth.application_ids.get(cred.application_key, 0),
        "creation": views.iso(cred.created), "credentialId": cred.credential_id, "expiration": None,
        "lastUse": views.iso(cred.last_use) if cred.last_use else None, "ovhSupport": False,
        "rules": cred.rules, "status": cred.status,
    })


@endpoint
async def me(request: Request, state: SandboxState) -> Response:
    return json_response(state.views.me())


@endpoint
async def debt_account(request: Request, state: SandboxState) -> Response:
    return json_response(state.views.balance())


def debt_fields(state: SandboxState) -> Mapping[str, Field]:
    kinds = {"debtId": "int", "orderId": "int", "date": "date", "dueDate": "date", "status": "str",
             "amount": "price", "dueAmount": "price", "todoAmount": "price", "pendingAmount": "price",
             "unmaturedAmount": "price"}
    return json_fields(state.views.debt, kinds)


@endpoint
async def list_debts(request: Request, state: SandboxState) -> Response:
    return listing(request, state, "debts", state.data.debts, lambda d: d.debt_id, state.views.debt,
                   lambda: debt_fields(state))


def debt_of(state: SandboxState, raw: str) -> DebtRec:
    debt = state.data.debt_by_id.get(int(raw)) if raw.isdigit() else None
    if debt is None:
        raise not_found("debtId", raw)
    return debt


@endpoint
async def pay_debt(request: Request, state: SandboxState) -> Response:
    return order_response(state, [debt_of(state, request.path_params["debtId"])])


@endpoint
async def pay_all(request: Request, state: SandboxState) -> Response:
    return order_response(state, list(state.data.debts))


@endpoint
async def create_ticket(request: Request, state: SandboxState) -> Response:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("Invalid body")
    for name in ("subject", "body"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            raise bad_request(f"[{name}] Property is mandatory")
    for name, allowed in TICKET_ENUMS.items():
        if body.get(name) is not None and body[name] not in allowed:
            raise bad_request(f"[{name}] Given data ({body[name]}) does not belong to the enumeration")
    return json_response(state.create_ticket(body))


ROUTES = [
    Route("/auth/time", auth_time),
    Route("/auth/credential", auth_credential, methods=["POST"]),
    Route("/auth/currentCredential", current_credential),
    Route("/me", me),
    Route("/me/debtAccount", debt_account),
    Route("/me/debtAccount/debt", list_debts),
    *debt_routes("/me/debtAccount/debt/{debtId}", lambda request, state: debt_of(state, request.path_params["debtId"])),
    Route("/me/debtAccount/debt/{debtId}/pay", pay_debt, methods=["POST"]),
    Route("/me/debtAccount/pay", pay_all, methods=["POST"]),
    Route("/support/tickets/create", create_ticket, methods=["POST"]),
]
