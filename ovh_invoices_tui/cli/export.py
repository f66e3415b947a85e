"""Export commands: ``bills export`` (CSV, PDF summary or bundle, folder of PDFs, server side), ``bills download``."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, time
from pathlib import Path

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import OvhError
from ovh_invoices_tui.cli.core import (
    EXIT_API,
    EXIT_FILE,
    EXIT_OK,
    EXIT_OTHER,
    EXIT_USAGE,
    PROG,
    CliContext,
    add_csv_options,
    api_days,
    check_writable_folder,
    command,
    destination_problem,
    filter_text,
    iso_date,
    listed_ids,
    usage_error,
)
from ovh_invoices_tui.core.filenames import safe_filename
from ovh_invoices_tui.core.filters import BillFilter, StatusFilter
from ovh_invoices_tui.core.i18n import language_of
from ovh_invoices_tui.core.models import Bill, BillRow, Debt
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.export import (
    BundleResult,
    ExportAborted,
    Progress,
    write_file_in_folder,
)
from ovh_invoices_tui.export.jobs import (
    ExportOptions,
    PdfMode,
    Scope,
    describe_scope,
    document_fetcher,
    outcome_message,
    run_export,
)
from ovh_invoices_tui.state.invoices import Store


class _UsageError(Exception):
    """A wrong combination of options, said in one line."""


# --- bills export ------------------------------------------------------------------------------------


def _configure_export(parser: argparse.ArgumentParser) -> None:
    target = parser.add_argument_group("what to write (one of)")
    dest = target.add_mutually_exclusive_group(required=True)
    dest.add_argument("--csv", metavar="FILE", type=Path, help="the invoice list as CSV")
    dest.add_argument("--pdf", metavar="FILE", type=Path, help="the PDF summary (with --with-invoices: + each PDF)")
    dest.add_argument("--folder", metavar="DIR", type=Path, help="each invoice's PDF saved as <REF>.pdf in DIR")
    dest.add_argument(
        "--server",
        nargs="?",
        const="zip",
        choices=("zip", "csv"),
        help="ask OVHcloud to build the archive (zip or csv) and e-mail it (POST /me/bill/export)",
    )
    parser.add_argument("--with-invoices", action="store_true", help="with --pdf: append every invoice's PDF")
    add_csv_options(
        parser,
        ids_help="only these invoices (repeatable)",
        links_help="CSV: add URL, PDF URL and password columns (they open the invoices without login)",
    )
    parser.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="issued from this date")
    parser.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="issued up to this date")
    parser.add_argument("--status", choices=[s.value for s in StatusFilter], default="all", help="default: all")
    parser.add_argument(
        "--ref", type=filter_text, metavar="SUBSTR", help="reference contains SUBSTR (case-insensitive)"
    )
    parser.add_argument("--order", type=filter_text, metavar="ID", help="order number contains ID")
    parser.add_argument(
        "--on-failure", choices=("skip", "stop"), default="skip",
        help="a PDF that cannot be downloaded: skip and list it (default), or stop and write nothing",
    )  # fmt: skip


def bill_filter(args: argparse.Namespace) -> BillFilter:
    """The app's filter built from ``--from --to --status --ref --order`` (same semantics as the TUI)."""
    return BillFilter(
        reference=args.ref or "",
        order=str(args.order or "").strip(),
        date_from=args.date_from,
        date_to=args.date_to,
        status=StatusFilter(args.status),
    )


def _options(args: argparse.Namespace) -> ExportOptions:
    if args.with_invoices and args.pdf is None:
        raise _UsageError("--with-invoices goes with --pdf FILE")
    if (args.include_links or args.dialect != "auto") and args.csv is None:
        raise _UsageError("--dialect and --include-links go with --csv FILE")
    if args.csv is not None:
        return ExportOptions(
            "csv", args.csv.expanduser(), dialect=args.dialect, include_links=args.include_links, overwrite=args.force
        )
    if args.folder is not None:
        return ExportOptions(
            "pdf", args.folder.expanduser(), pdf_mode=PdfMode.FOLDER, on_failure=args.on_failure, overwrite=args.force
        )
    mode = PdfMode.BUNDLE if args.with_invoices else PdfMode.SUMMARY
    return ExportOptions("pdf", args.pdf.expanduser(), pdf_mode=mode, on_failure=args.on_failure, overwrite=args.force)


def _check_target(options: ExportOptions) -> None:
    """Fail before loading anything when the destination is unusable or exists without ``--force``."""
    if options.to_folder:
        if options.path.exists() and not options.path.is_dir():
            raise _UsageError(f"{options.path} is a file, not a folder")
        if not options.path.parent.is_dir():
            raise _UsageError(f"the folder {options.path.parent} does not exist")
        check_writable_folder(options.path if options.path.is_dir() else options.path.parent)
        return
    problem = destination_problem(options.path, force=options.overwrite)
    if problem:
        raise _UsageError(problem)
    check_writable_folder(options.path.parent)  # exit 8 before any work, not after the downloads


async def load_rows(ctx: CliContext, client: OvhClient, flt: BillFilter, ids: list[str]) -> list[BillRow]:
    """Bills and debts joined and filtered by the app's :class:`Store` (newest first), then ``ids`` if given."""
    date_from, date_to = api_days(flt.date_from, flt.date_to)  # the store keeps the exact days

    async def bills() -> list[Bill]:
        found: list[Bill] = []
        async for page in client.iter_bills(date_from=date_from, date_to=date_to):
            found.extend(page.items)
            for error in page.errors:
                print(f"warning: skipped an unreadable invoice: {clean(error)}", file=ctx.err)
        return found

    async def debts() -> list[Debt]:
        found: list[Debt] = []
        async for page in client.iter_debts():
            found.extend(page.items)
        return found

    bill_list, debt_list = await asyncio.gather(bills(), debts())
    store = Store()
    with store.batch():
        store.set_debts(debt_list)
        store.add_bills(bill_list)
        store.set_filter(flt)
    rows = store.view
    if not ids:
        return rows
    known = {row.bill.bill_id.casefold(): row.bill.bill_id for row in store.rows}
    unknown = [ref for ref in ids if ref.casefold() not in known]
    if unknown:
        raise _UsageError(f"no invoice {', '.join(unknown)} in this account")
    wanted = {known[ref.casefold()] for ref in ids}
    return [row for row in rows if row.bill.bill_id in wanted]


def _scope_text(flt: BillFilter, ids: list[str], count: int, lang: str) -> str:
    if ids:
        return describe_scope(Scope.SELECTION, count, lang=lang)
    if flt.is_active:
        return describe_scope(Scope.VIEW, count, filter_text=flt.describe(lang), lang=lang)
    return describe_scope(Scope.ALL, count, lang=lang)


@command("bills", "export", help="export invoices: CSV, PDF summary (with the invoices), PDFs in a folder",
         configure=_configure_export)  # fmt: skip
async def bills_export(ctx: CliContext) -> int:
    args = ctx.args
    try:
        ids = listed_ids(args.ids)
        flt = bill_filter(args)
        if args.server:
            return await _server_export(ctx, flt, ids)
        options = _options(args)
        _check_target(options)
    except _UsageError as exc:
        return usage_error(ctx, str(exc))
    async with ctx.client() as client:
        try:
            rows, account = await asyncio.gather(load_rows(ctx, client, flt, ids), client.me())
        except _UsageError as exc:
            return usage_error(ctx, str(exc))
        lang = ctx.configured_language or language_of(account.language)
        progress = _progress_printer(ctx) if options.downloads and ctx.err.isatty() else None
        try:
            result = await run_export(
                rows,
                options,
                fetch_pdf=document_fetcher(client, lang),
                lang=lang,
                account=account.nichandle,
                scope=_scope_text(flt, ids, len(rows), lang),
                progress=progress,
            )
        except ExportAborted as exc:
            _end_progress(ctx, progress)
            print(f"{PROG}: error: {exc}; nothing was written", file=ctx.err)
            return EXIT_API
        except FileExistsError:
            _end_progress(ctx, progress)
            return usage_error(ctx, f"{options.path} already exists (use --force to overwrite it)")
        _end_progress(ctx, progress)
    print(outcome_message(result, lang), file=ctx.out)
    if isinstance(result, BundleResult):
        for failure in result.failures:
            print(f"  not included: {clean(failure.bill_id)} — {clean(failure.reason)}", file=ctx.err)
        for bill_id in result.skipped:
            print(f"  kept (already there, --force overwrites): {clean(bill_id)}", file=ctx.err)
        if result.failures:
            return EXIT_API
    return EXIT_OK


def _progress_printer(ctx: CliContext) -> Progress:
    def progress(done: int, total: int) -> None:
        ctx.err.write(f"\rDownloading the invoices' PDFs: {done}/{total}")
        ctx.err.flush()

    return progress


def _end_progress(ctx: CliContext, progress: Progress | None) -> None:
    if progress is not None:
        ctx.err.write("\n")
        ctx.err.flush()


async def _server_export(ctx: CliContext, flt: BillFilter, ids: list[str]) -> int:
    """``POST /me/bill/export``: OVHcloud builds the archive and sends it by e-mail (nothing is written here)."""
    args = ctx.args
    if flt.reference or flt.order or flt.status is not StatusFilter.ALL or args.with_invoices:
        raise _UsageError("--server takes only --from, --to and --ids")
    if ctx.readonly:
        raise _UsageError("read-only mode: --server asks the API to act; run without --readonly")
    start = datetime.combine(flt.date_from, time.min) if flt.date_from else None
    end = datetime.combine(flt.date_to, time.max.replace(microsecond=0)) if flt.date_to else None
    async with ctx.client() as client:
        await client.export_bills_server_side(archive_type=args.server, start_date=start, end_date=end, ids=ids or None)
        account = await client.me()
    print(f"Server-side export requested ({args.server}): OVHcloud will e-mail the archive to {account.email}",
          file=ctx.out)  # fmt: skip
    return EXIT_OK


# --- bills download ----------------------------------------------------------------------------------


def _configure_download(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("refs", nargs="+", metavar="REF", help="invoice references (billId), e.g. FR12345678")
    parser.add_argument("--dir", type=Path, metavar="DIR", help="where to save (default: the download folder)")
    parser.add_argument("--html", action="store_true", help="the HTML version instead of the PDF")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")


@command("bills", "download", help="save invoices' PDFs (or HTML) as <REF>.pdf", configure=_configure_download)
async def bills_download(ctx: CliContext) -> int:
    args = ctx.args
    folder: Path = args.dir.expanduser() if args.dir else ctx.settings.download_dir
    if folder.exists() and not folder.is_dir():
        return usage_error(ctx, f"{folder} is a file, not a folder")
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    check_writable_folder(existing)  # before any download, and before creating folders there
    folder.mkdir(parents=True, exist_ok=True)
    ext = "html" if args.html else "pdf"
    refs = list(dict.fromkeys(ref.strip() for ref in args.refs if ref.strip()))
    limit = asyncio.Semaphore(4)
    codes: list[int] = []

    async def one(client: OvhClient, ref: str) -> None:
        target = folder / safe_filename(ref, ext)
        if target.exists() and not args.force:
            print(f"{PROG}: error: {target} already exists (use --force to overwrite it)", file=ctx.err)
            codes.append(EXIT_USAGE)
            return
        try:
            async with limit:
                bill = await client.bill(ref)
                url = bill.url if args.html else bill.pdf_url
                if not url:
                    raise ValueError("the API gave no link to this document")
                data = await client.download_document(url, expect_pdf=not args.html)
            path = await asyncio.to_thread(write_file_in_folder, folder, ref, ext, data, overwrite=args.force)
        except FileExistsError:
            print(f"{PROG}: error: {target} already exists (use --force to overwrite it)", file=ctx.err)
            codes.append(EXIT_USAGE)
        except (OvhError, ValueError, OSError) as exc:
            print(f"{PROG}: error: {clean(ref)}: {' '.join(clean(exc).split())}", file=ctx.err)
            code = EXIT_FILE if isinstance(exc, OSError) else EXIT_OTHER
            codes.append(EXIT_API if isinstance(exc, OvhError) else code)
        else:
            print(path, file=ctx.out)

    async with ctx.client() as client:
        await asyncio.gather(*(one(client, ref) for ref in refs))
    return max(codes, default=EXIT_OK)


__all__ = ["bill_filter", "bills_download", "bills_export", "load_rows"]
