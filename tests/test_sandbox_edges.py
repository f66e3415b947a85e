"""Sandbox edges answered as the API answers them: unknown paths, odd ids, wrong methods, trailing slashes, bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from .test_sandbox import client_for, make_app

INVALID_URL = {"class": "Client::NotFound", "message": "Got an invalid (or empty) URL"}


@pytest.fixture(scope="module")
def app() -> Starlette:
    return make_app(bills=60)


def assert_ovh_error(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    """An OVH error: the status, the JSON body, and the query id a user gives to support."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == body
    assert response.headers["X-Ovh-QueryID"].startswith("EU.ext-")


async def test_unknown_paths_answer_the_ovh_not_found_body(app: Starlette) -> None:
    async with client_for(app) as client:
        for path in ("/me/nothing", "/me/bill/FR1/nothing/else", "/", "http://sandbox.invalid/nothing"):
            assert_ovh_error(await client.get(path), 404, INVALID_URL)


async def test_wrong_methods_answer_the_ovh_not_found_body(app: Starlette) -> None:
    async with client_for(app) as client:
        assert_ovh_error(await client.delete("/me/bill"), 404, INVALID_URL)
        assert_ovh_error(await client.get("/me/debtAccount/pay"), 404, INVALID_URL)
        assert_ovh_error(await client.put("/me", json={}), 404, INVALID_URL)


async def test_ids_holding_a_newline_or_a_slash_are_unknown_objects(app: Starlette) -> None:
    async with client_for(app) as client:
        for raw, shown in (("FR%0A1", "FR\n1"), ("FR%2F1", "FR/1"), ("%0A", "\n")):
            body = {"class": "Client::NotFound", "message": f"The requested object (billId = {shown}) does not exist"}
            assert_ovh_error(await client.get(f"/me/bill/{raw}"), 404, body)
            assert_ovh_error(await client.get(f"/me/bill/{raw}/details"), 404, body)
        body = {"class": "Client::NotFound", "message": "The requested object (depositId = a/b) does not exist"}
        assert_ovh_error(await client.get("/me/deposit/a%2Fb/paidBills"), 404, body)


async def test_an_id_sent_percent_encoded_is_the_same_id(app: Starlette) -> None:
    bill_id = app.state.sandbox.data.bills[3].bill_id
    encoded = "".join(f"%{ord(c):02X}" for c in bill_id)
    async with client_for(app) as client:
        response = await client.get(f"/me/bill/{encoded}")
        assert response.status_code == 200 and response.json()["billId"] == bill_id


async def test_a_trailing_slash_is_answered_directly_not_redirected(app: Starlette) -> None:
    bill_id = app.state.sandbox.data.bills[0].bill_id
    async with client_for(app) as client:
        for path in ("/me/bill", f"/me/bill/{bill_id}", "/me/debtAccount"):
            plain = await client.get(path)
            slashed = await client.get(path + "/")  # signed with the slash, as python-ovh signs it
            assert slashed.status_code == 200, (path, slashed.status_code, slashed.headers.get("location"))
            assert slashed.json() == plain.json()
            assert slashed.headers["X-Ovh-QueryID"]


@pytest.mark.parametrize("route", ["/me/bill/export", "/me/refund/export"])
async def test_export_bodies_are_validated(app: Starlette, route: str) -> None:
    cases = [
        ({"archiveType": "zip", "startDate": "notadate"},
         "[startDate] Given data (notadate) is not valid for type datetime"),
        ({"archiveType": "zip", "endDate": 12}, "[endDate] Given data (12) is not valid for type datetime"),
        ({"archiveType": "csv", "ids": "notalist"}, "[ids] Given data (notalist) is not valid for type string[]"),
        ({"archiveType": "csv", "ids": ["FR1", 2]}, "[ids] Given data (2) is not valid for type string"),
        ({"startDate": "notadate", "ids": "notalist"}, "[archiveType] Property is mandatory"),
        ({"archiveType": "rar"},
         "[archiveType] Given data (rar) does not belong to the billing.ArchiveTypeEnum enumeration"),
        (["csv"], "Invalid body"),
    ]
    async with client_for(app) as client:
        for body, message in cases:
            response = await client.post(route, json=body)
            assert_ovh_error(response, 400, {"class": "Client::BadRequest", "message": message})
        ok = await client.post(route, json={"archiveType": "csv", "startDate": "2025-01-01T00:00:00+01:00",
                                            "endDate": "2025-06-01", "ids": ["FR1"]})
        assert ok.status_code == 200 and ok.json() is None
