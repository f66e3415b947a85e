"""Hostile API text through the command line: no output line can be reordered or steer the terminal."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data import clients as factory

HOSTILE = "Hosting \u202etxt.exe\u202c \u2066iso\u2069 \u200fmark\u200e \u061cx \x1b[31mred\x1b[0m \x9b2J\x7f tab\there"
# Everything a terminal would obey: bidi overrides, isolates and marks, ESC, CSI, DEL, tab.
FORBIDDEN = ("\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u200e", "\u061c", "\x1b", "\x9b", "\x7f", "\t")


class HostileDescriptions(httpx.AsyncBaseTransport):
    """Delegates to the sandbox; every ``description`` it answers becomes :data:`HOSTILE`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.rewritten = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if "/details" not in request.url.path or response.status_code != 200:
            return response
        data = json.loads(await response.aread())
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and "description" in item:
                item["description"] = HOSTILE
                self.rewritten += 1
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=json.dumps(data).encode())


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> list[HostileDescriptions]:
    transports: list[HostileDescriptions] = []
    real = factory.OvhClient

    def client(*args: Any, transport: httpx.AsyncBaseTransport, **kwargs: Any) -> Any:
        transports.append(HostileDescriptions(transport))
        return real(*args, transport=transports[-1], **kwargs)

    monkeypatch.setattr(factory, "OvhClient", client)
    return transports


def _a_bill_with_details(capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["--demo", "bills", "list", "--format", "json"]) == 0
    return str(json.loads(capsys.readouterr().out)[0]["billId"])


def test_bidi_override_in_a_description_never_reaches_the_table(
    hostile: list[HostileDescriptions], capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _a_bill_with_details(capsys)
    assert cli.main(["--demo", "--lang", "en", "bills", "show", ref]) == 0
    out = capsys.readouterr().out
    assert sum(t.rewritten for t in hostile) > 0  # the hostile text was really served
    assert "txt.exe" in out and "[31mred" in out  # the description is shown, as data
    assert not [ch for ch in FORBIDDEN if ch in out], repr(out)


def test_csv_cells_are_cleaned_and_json_stays_exact_but_escaped(
    hostile: list[HostileDescriptions], capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _a_bill_with_details(capsys)
    assert cli.main(["--demo", "bills", "show", ref, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert not [ch for ch in FORBIDDEN if ch in out], repr(out)
    descriptions = [row["description"] for row in csv.DictReader(io.StringIO(out))]
    assert descriptions and set(descriptions) == {clean(HOSTILE)}

    assert cli.main(["--demo", "bills", "show", ref, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert not [ch for ch in FORBIDDEN if ch in out], repr(out)  # escaped as \uXXXX in the text …
    assert {d["description"] for d in json.loads(out)["details"]} == {HOSTILE}  # … and exact once parsed


def test_csv_cells_are_formula_safe_like_the_exports(
    hostile: list[HostileDescriptions], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        monkeypatch.setattr(__name__ + ".HOSTILE", f"{start}HYPERLINK(1)")
        ref = _a_bill_with_details(capsys)
        assert cli.main(["--demo", "bills", "show", ref, "--format", "csv"]) == 0
        rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert rows and all(row["description"][:1] not in ("=", "+", "-", "@", "\t", "\r") for row in rows), rows
        assert all(row["unitPrice"][:1] != "'" for row in rows)  # amounts stay numbers


# --- the JSON writer: a listing encoded by msgspec is the very text json.dumps gives -----------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ovh_invoices_tui.cli import output  # noqa: E402
from ovh_invoices_tui.cli.output import write_json  # noqa: E402
from tests.test_hostile_models import hostile_text, json_value  # noqa: E402

_flat_value = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), hostile_text,
    st.sampled_from([HOSTILE, "\ud800x"]),  # a lone surrogate: msgspec refuses it, json.dumps writes it
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(records=st.one_of(
    st.lists(st.dictionaries(st.one_of(hostile_text, st.sampled_from(["billId", "date"])), _flat_value), max_size=4),
    json_value,
    st.lists(st.dictionaries(st.text(max_size=4), json_value, max_size=3), max_size=3),
))  # fmt: skip
def test_json_output_is_what_json_dumps_writes(records: Any) -> None:
    """Whatever the records (lone surrogates, controls, floats, nesting), the text is json.dumps', escaped."""
    out = io.StringIO()
    write_json(out, records)
    expected = json.dumps(records, indent=2, ensure_ascii=False).translate(output._JSON_ESCAPES)
    assert out.getvalue() == expected + "\n"
