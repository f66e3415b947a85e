"""Document downloads that are not PDFs, too big, and file names made of hostile API ids."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from benchmarks.synthetic import make_row
from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import DocumentError
from ovh_invoices_tui.core.filenames import safe_filename
from ovh_invoices_tui.export import ExportAborted, export_bills_pdf_bundle, save_invoice_pdfs
from ovh_invoices_tui.export.jobs import document_fetcher
from tests.test_hostile_models import NASTY, hostile_text


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()
THROTTLED = b"<html><body>Too many requests!!!</body></html>"  # 46 bytes, served with a 200
assert len(THROTTLED) == 46


def doc_client(handler: Any, **options: Any) -> OvhClient:
    options.setdefault("retry_base_delay", 0.001)
    return OvhClient("http://api.test/1.0", transport=httpx.MockTransport(handler), **options)


class Flaky:
    """Serves ``bad`` for the first ``failures`` requests of each URL, then a PDF."""

    def __init__(self, failures: int, bad: bytes = THROTTLED, status: int = 200) -> None:
        self.failures = failures
        self.bad = bad
        self.status = status
        self.seen: dict[str, int] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = str(request.url)
        self.seen[key] = self.seen.get(key, 0) + 1
        if self.seen[key] <= self.failures:
            return httpx.Response(self.status, content=self.bad, headers={"Content-Type": "text/html"})
        return httpx.Response(200, content=PDF, headers={"Content-Type": "application/pdf"})


async def test_a_throttling_page_is_retried_then_the_pdf_kept() -> None:
    api = Flaky(failures=2)
    async with doc_client(api, retries=4) as client:
        assert await client.download_document("https://doc.test/a.pdf?passwd=hush") == PDF
    assert api.seen == {"https://doc.test/a.pdf?passwd=hush": 3}


@pytest.mark.parametrize("bad", [THROTTLED, b"", b"   ", b"{\"message\":\"error\"}", b"%PD", b"PK\x03\x04zip"])
async def test_a_body_that_is_never_a_pdf_is_reported_after_bounded_retries(bad: bytes) -> None:
    api = Flaky(failures=10**6, bad=bad)
    async with doc_client(api, retries=3) as client:
        with pytest.raises(DocumentError, match="not a PDF") as caught:
            await client.download_document("https://doc.test/a.pdf?passwd=hush")
    assert sum(api.seen.values()) == 4  # the first try and 3 retries, no more
    assert "hush" not in str(caught.value) and "doc.test" not in str(caught.value)


async def test_size_cap_with_and_without_content_length() -> None:
    big = PDF + b"x" * 10_000

    async def stream() -> Any:
        for _ in range(20):
            yield b"%PDF" + b"x" * 1_000

    async with doc_client(lambda r: httpx.Response(200, content=big), max_document_bytes=5_000) as client:
        with pytest.raises(DocumentError, match="larger"):
            await client.download_document("https://doc.test/big.pdf")
    async with doc_client(lambda r: httpx.Response(200, content=stream()), max_document_bytes=5_000) as client:
        with pytest.raises(DocumentError, match="larger"):
            await client.download_document("https://doc.test/chunked.pdf")


async def test_bundle_never_includes_nor_saves_a_non_pdf(tmp_path: Path) -> None:
    rows = [make_row(f"FR{n:08d}") for n in range(6)]
    # make_row's links follow no pattern: kept as they are, so a bill's PDF link is its stored one
    rows = [r.__class__(msgspec.structs.replace(r.bill, stored_pdf_url=f"https://doc.test/{r.bill.bill_id}.pdf?passwd=hush"),
                        r.debt) for r in rows]  # fmt: skip
    broken = {rows[1].bill.bill_id, rows[4].bill.bill_id}

    def handler(request: httpx.Request) -> httpx.Response:
        if any(ref in request.url.path for ref in broken):
            return httpx.Response(200, content=THROTTLED)
        return httpx.Response(200, content=PDF)

    async with doc_client(handler, retries=2) as client:
        fetch = document_fetcher(client)
        bundle = tmp_path / "bundle.pdf"
        result = await export_bills_pdf_bundle(rows, bundle, fetch_pdf=fetch, account="a", scope="s",
                                               generated_at=datetime(2026, 1, 1))  # fmt: skip
        assert result.count == 4 and {f.bill_id for f in result.failures} == broken
        assert all("not a PDF" in f.reason and "hush" not in f.reason for f in result.failures)
        stopped = tmp_path / "stopped.pdf"
        with pytest.raises(ExportAborted):
            await export_bills_pdf_bundle(rows, stopped, fetch_pdf=fetch, account="a", scope="s",
                                          generated_at=datetime(2026, 1, 1), on_failure="stop", concurrency=1)
        assert not stopped.exists()
        folder = tmp_path / "pdfs"
        saved = await save_invoice_pdfs(rows, folder, fetch_pdf=fetch)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{r.bill.bill_id}.pdf" for r in rows if r.bill.bill_id not in broken
    )
    assert saved.count == 4
    assert all(p.read_bytes().startswith(b"%PDF") for p in folder.iterdir())
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]


# --- safe file names -----------------------------------------------------------------------------------

ids = st.one_of(
    hostile_text,
    st.lists(st.sampled_from(["..", ".", "/", "\\", "~", "CON", "nul", "a", ":", "\x00", " ", "ü", "😀", *NASTY[:6]]),
             max_size=12).map("".join),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(ref=ids, ext=st.sampled_from(["pdf", "html", "csv", "../pdf", "p/df", ""]))
def test_safe_filename_is_one_plain_name(ref: str, ext: str) -> None:
    name = safe_filename(ref, ext)
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name and ".." not in name and "\x00" not in name
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in name)
    assert len(name.encode("utf-8")) <= 255
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / name
        assert target.resolve().parent == Path(folder).resolve()  # never outside the chosen folder
        target.write_bytes(b"%PDF")  # a name the filesystem takes
        assert os.listdir(folder) == [name]
