"""Pilot tests of the bulk-actions menu and the export dialog on the in-process sandbox."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from textual.widgets import Input, ProgressBar

from benchmarks.synthetic import tiny_pdf
from ovh_invoices_tui.export import plain_amount
from ovh_invoices_tui.screens.bulk_menu import BulkMenu
from ovh_invoices_tui.screens.export_dialog import ExportDialog
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text

SIZE = (80, 24)


def downloads(app: Any) -> Path:
    return Path(app.settings.download_dir)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def open_export(app: Any, pilot: Any, key: str) -> ExportDialog:
    await pilot.press("b")
    await wait_for(lambda: isinstance(app.screen, BulkMenu), pilot)
    await pilot.press(key)
    await wait_for(lambda: isinstance(app.screen, ExportDialog), pilot)
    await pilot.pause()
    return app.screen  # type: ignore[no-any-return]


async def wait_back_on_main(app: Any, pilot: Any, timeout: float = 15.0) -> None:
    await wait_for(lambda: isinstance(app.screen, InvoicesScreen), pilot, timeout=timeout)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_export_selection_as_csv_has_exactly_the_marked_rows(make_app) -> None:
    app = make_app(bills=60, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("space", "space", "space")
        marked = set(app.session.store.marked)
        assert len(marked) == 3
        await open_export(app, pilot, "s")
        text = screen_text(app)
        assert "Export the selection as CSV" in text and "3 invoice(s)" in text
        await pilot.press("enter")  # the Export button has the focus
        await wait_back_on_main(app, pilot)
        [name] = files_in(downloads(app))
        assert name.startswith(f"ovh-invoices-{app.session.store.account.nichandle}-") and name.endswith(".csv")
        rows = list(csv.reader(io.StringIO((downloads(app) / name).read_text("utf-8"))))
        header, body = rows[0], rows[1:]
        assert header[0] == "Reference" and "URL" not in header  # links are off by default
        assert {cells[0] for cells in body} == marked and len(body) == 3
        for cells in body:
            row = app.session.store.row(cells[0])
            assert cells[1] == str(row.bill.order_id)
            assert cells[4] == plain_amount(row.bill.price_with_tax.ucents, ".")
            assert cells[6] == plain_amount(row.balance.ucents, ".")


async def test_export_all_as_pdf_contains_the_references(make_app) -> None:
    app = make_app(bills=40, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await open_export(app, pilot, "p")
        await pilot.press("enter")
        await wait_back_on_main(app, pilot)
        [name] = files_in(downloads(app))
        assert name.endswith(".pdf")
        reader = PdfReader(downloads(app) / name)
        text = "".join(page.extract_text() for page in reader.pages)
        assert all(row.bill.bill_id in text for row in app.session.store.rows)


async def test_menu_offers_selection_only_when_marked_and_view_only_when_filtered(make_app) -> None:
    app = make_app(bills=30, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("b")
        await wait_for(lambda: isinstance(app.screen, BulkMenu), pilot)
        text = screen_text(app)
        assert "Export all as CSV" in text and "Export all as PDF" in text
        assert "selection" not in text and "current view" not in text
        await pilot.press("escape")
        await pilot.press("space")
        await pilot.press("b")
        await wait_for(lambda: isinstance(app.screen, BulkMenu), pilot)
        text = screen_text(app)
        assert "Export the selection as CSV" in text and "Export the selection as PDF" in text


async def test_existing_file_needs_confirmation(make_app) -> None:
    app = make_app(bills=20, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        dialog = await open_export(app, pilot, "c")
        target = Path(dialog.query_one("#export-path", Input).value)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("keep me")
        await pilot.press("enter")
        await pilot.pause()
        assert "already exists" in screen_text(app)
        await pilot.press("escape")  # back to the form: nothing written
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog) and target.read_text() == "keep me"
        await pilot.press("enter")  # Export again → asked again
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert target.read_text() == "keep me"
        await pilot.press("escape")  # close the dialog
        await wait_back_on_main(app, pilot)
        assert target.read_text() == "keep me" and files_in(target.parent) == [target.name]
        # and confirming does overwrite
        await open_export(app, pilot, "c")
        await pilot.press("enter", "y")
        await wait_back_on_main(app, pilot)
        assert target.read_text("utf-8").startswith("Reference,")


async def test_cancel_during_export_with_invoices_leaves_no_file(make_app) -> None:
    app = make_app(bills=30, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        calls: list[str] = []

        async def slow_download(url: str, *, expect_pdf: bool = True) -> bytes:
            calls.append(url)
            await asyncio.sleep(0.15)
            return tiny_pdf("slow")

        app.session.client.download_document = slow_download  # type: ignore[method-assign]
        dialog = await open_export(app, pilot, "p")
        # PDF content: choose "Summary + every invoice's PDF" (down arrow in the radio set), then Export.
        await pilot.press("shift+tab", "shift+tab")  # Export → path → PDF content
        await pilot.press("down", "enter")
        await pilot.pause()
        assert dialog.query_one("#mode-bundle").value  # type: ignore[attr-defined]
        await pilot.click("#export-go")
        await wait_for(lambda: dialog.has_class("-running") and len(calls) >= 2, pilot)
        assert "Downloading the invoices' PDFs" in screen_text(app)
        bar = dialog.query_one(ProgressBar)
        assert bar.total == 30
        await pilot.press("escape")
        await wait_back_on_main(app, pilot)
        await asyncio.sleep(0.3)  # any thread still writing has finished and cleaned up
        assert files_in(downloads(app)) == []
        assert len(calls) < 30


async def test_failed_downloads_are_listed(make_app) -> None:
    app = make_app(bills=12, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        bad = app.session.store.rows[0].bill

        async def flaky(url: str, *, expect_pdf: bool = True) -> bytes:
            if url == bad.pdf_url:
                raise ValueError("document gone")
            return tiny_pdf("ok")

        app.session.client.download_document = flaky  # type: ignore[method-assign]
        dialog = await open_export(app, pilot, "p")
        dialog.query_one("#mode-folder").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        folder = Path(dialog.query_one("#export-path", Input).value)
        assert folder.suffix == ""
        await pilot.click("#export-go")
        await wait_for(lambda: "could not be exported" in screen_text(app), pilot)
        assert f"{bad.bill_id} — document gone" in screen_text(app)
        assert len(files_in(folder)) == 11


async def test_export_current_view_as_csv(make_app) -> None:
    from ovh_invoices_tui.core.filters import BillFilter, StatusFilter

    app = make_app(bills=40, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        app.session.store.set_filter(BillFilter(status=StatusFilter.PAID))
        expected = [row.bill.bill_id for row in app.session.store.view]
        assert 0 < len(expected) < 40
        await open_export(app, pilot, "v")
        assert "Current view (status=paid)" in screen_text(app)
        await pilot.press("enter")
        await wait_back_on_main(app, pilot)
        [name] = files_in(downloads(app))
        rows = list(csv.reader(io.StringIO((downloads(app) / name).read_text("utf-8"))))
        assert [cells[0] for cells in rows[1:]] == expected


async def test_export_all_as_csv_follows_the_view_sort(make_app) -> None:
    from ovh_invoices_tui.core.filters import BillFilter, StatusFilter
    from ovh_invoices_tui.state.invoices import Sort

    app = make_app(bills=40, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        app.session.store.set_sort(Sort("status", descending=False))
        app.session.store.set_filter(BillFilter(status=StatusFilter.UNPAID))  # "all" ignores the filters
        assert 0 < len(app.session.store.view) < 40
        expected = [row.bill.bill_id for row in app.session.store.all_sorted()]
        newest_first = sorted(app.session.store.rows, key=lambda r: (r.bill.date, r.bill.bill_id), reverse=True)
        assert len(expected) == 40 and expected != [row.bill.bill_id for row in newest_first]
        await open_export(app, pilot, "c")
        await pilot.press("enter")
        await wait_back_on_main(app, pilot)
        [name] = files_in(downloads(app))
        rows = list(csv.reader(io.StringIO((downloads(app) / name).read_text("utf-8"))))
        assert [cells[0] for cells in rows[1:]] == expected
        assert rows[0][7] == "Status" and rows[1][7] == "Paid"  # PAID sorts first
