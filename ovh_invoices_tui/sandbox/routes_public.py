"""Unsigned routes at the origin: documents, the payment page, the consumer-key validation page, OAuth2."""

from __future__ import annotations

import base64
import contextlib
import html
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import credentials
from .api import sandbox
from .documents import KINDS, Document, build, render_html, render_pdf

PDF_CACHE_SIZE = 256


def _refused(message: str, status: int = 403) -> HTMLResponse:
    return HTMLResponse(f"<!DOCTYPE html><html><body><h1>{status}</h1><p>{html.escape(message)}</p></body></html>",
                        status)


async def document(request: Request) -> Response:
    """``/cgi-bin/order/{name}.{cgi|pdf}?reference=…&passwd=…``; opening an unpaid regularisation pays it."""
    name, ext = request.path_params["name"], request.path_params["ext"]
    kind = KINDS.get(name)
    reference = request.query_params.get("reference", "")
    if kind is None or ext not in ("cgi", "pdf"):
        return _refused("Unknown document", 404)
    password = request.query_params.get("passwd", "")
    # A document link carries no credential: its password tells whose it is (each account has its own seed).
    state = next((s for s in sandbox(request).accounts.values()
                  if password and secrets.compare_digest(password, s.data.password(reference))), None)
    if state is None:
        return _refused("Accès refusé : mot de passe invalide / Access denied: wrong password")
    notice = None
    if kind == "order" and reference.isdigit() and (order := state.orders.get(int(reference))):
        if state.order_expired(order):
            return _refused("Cette commande a expiré / This order has expired", 410)
        if ext == "cgi" and not order.paid:
            deposit = state.settle(order)
            notice = f"Paiement effectué / Payment done — {deposit.deposit_id}"
        elif ext == "cgi":
            notice = "Commande déjà réglée / Order already paid"
    doc = build(state, kind, reference)
    if doc is None:
        return _refused("Document introuvable / Document not found", 404)
    if ext == "cgi":
        return HTMLResponse(render_html(doc, notice))
    return Response(_pdf(state.cache, doc), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{doc.reference}.pdf"'})


def _pdf(cache: dict[str, object], doc: Document) -> bytes:
    pdfs = cache.setdefault("pdf", {})
    assert isinstance(pdfs, dict)
    key = (doc.kind, doc.reference, len(doc.lines), doc.totals[-1][1] if doc.totals else "")
    if key not in pdfs:
        if len(pdfs) >= PDF_CACHE_SIZE:
            pdfs.pop(next(iter(pdfs)))
        pdfs[key] = render_pdf(doc)
    data = pdfs[key]
    assert isinstance(data, bytes)
    return data


async def validate_credential(request: Request) -> Response:
    """The page a user opens to validate a consumer key (``validationUrl``)."""
    cred = sandbox(request).auth.validate(request.query_params.get("credentialToken", ""))
    if cred is None:
        return _refused("Jeton inconnu ou déjà utilisé / Unknown or already used token", 404)
    rules = "".join(f"<li>{html.escape(r['method'])} {html.escape(r['path'])}</li>" for r in cred.rules)
    return HTMLResponse(f"<!DOCTYPE html><html><body><h1>Clé validée / Key validated</h1><ul>{rules}</ul>"
                        "</body></html>")


async def oauth2_token(request: Request) -> Response:
    """OAuth2 client-credentials grant (form-encoded, or HTTP Basic client authentication)."""
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    grant = form.get("grant_type", "")
    client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic ") and not client_id:
        with contextlib.suppress(ValueError):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
    if grant != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type",
                             "error_description": "only client_credentials is supported"}, 400)
    token = sandbox(request).auth.issue_token(client_id, client_secret)
    if token is None:
        return JSONResponse({"error": "invalid_client", "error_description": "Client authentication failed"}, 401)
    return JSONResponse(token, headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/cgi-bin/order/{name}.{ext}", document),
    Route("/auth/", validate_credential),
    Route(credentials.TOKEN_PATH, oauth2_token, methods=["POST"]),
]
