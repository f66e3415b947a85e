"""A failing worker of any screen ends in a notice (OVH message, HTTP status, query id), a debug log line and a
screen that leaves its loading state (issue 10, bug 1: Textual's Worker.StateChanged does not bubble).

The in-process sandbox answers every request, except those a rule of :class:`FailingRoutes` answers instead:
an OVH error body with its status and ``X-Ovh-QueryID``, a malformed object (a ``ModelError``), or a dropped
connection.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Button, LoadingIndicator

from ovh_invoices_tui import debug_log
from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.config import Settings, demo_profile
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.screens import worker_failures
from ovh_invoices_tui.screens.detail import DetailScreen
from ovh_invoices_tui.screens.payment_detail import PaymentDetailScreen
from ovh_invoices_tui.screens.payments import PaymentExportDialog, PaymentsScreen
from ovh_invoices_tui.state.payments import LoadState
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text

SIZE = (120, 40)
QUERY_ID = "EU.ext-7.5f3a9c.4242.00000000beef"
Answer = Callable[[httpx.Request], httpx.Response]


def ovh_error(status: int, message: str) -> Answer:
    """An error as the API shapes it: JSON ``class``/``message`` and the query id support asks for."""
    return lambda request: httpx.Response(
        status, json={"class": "Server::InternalServerError", "message": message}, headers={"X-Ovh-QueryID": QUERY_ID}
    )


def malformed(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"unexpected": "an object where a list of ids belongs"})


def dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response", request=request)


class FailingRoutes(httpx.AsyncBaseTransport):
    """The sandbox, except GETs whose path matches a rule: the rule answers (or fails) instead."""

    def __init__(self, inner: httpx.AsyncBaseTransport, rules: dict[str, Answer]) -> None:
        self.inner = inner
        self.rules = {re.compile(pattern): answer for pattern, answer in rules.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for pattern, answer in self.rules.items():
            if request.method == "GET" and pattern.search(request.url.path):
                return answer(request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def failing_app(tmp_path: Path) -> Callable[[dict[str, Answer]], OvhInvoicesApp]:
    def build(rules: dict[str, Answer]) -> OvhInvoicesApp:
        def client(profile: Any, **options: Any) -> OvhClient:
            sandbox = create_app(SandboxConfig(bills=60, seed=7, base_url=credentials.INPROCESS_BASE_URL))
            return OvhClient(
                credentials.INPROCESS_BASE_URL,
                application_key=credentials.APPLICATION_KEY,
                application_secret=credentials.APPLICATION_SECRET,
                consumer_key=credentials.CONSUMER_KEY,
                transport=FailingRoutes(httpx.ASGITransport(app=sandbox), rules),
                retries=1,  # a 5xx is retried once, quickly: the failure is final, the test stays fast
                retry_base_delay=0.001,
                retry_max_delay=0.002,
                **options,
            )

        settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
        return OvhInvoicesApp(settings=settings, profile=demo_profile(), client_factory=client, lang="en")

    return build


@pytest.fixture
def debug_file(tmp_path: Path) -> Iterator[Path]:
    """``--debug``'s log file, in a temporary folder."""
    folder = tmp_path / "log"
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = debug_log.enable(folder)
    yield path
    debug_log.disable(folder)
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
        for flt in [f for f in handler.filters if isinstance(f, debug_log.RedactingFilter)]:
            handler.removeFilter(flt)
    root.setLevel(level)
    logging.getLogger(debug_log.REQUESTS_LOGGER).setLevel(logging.NOTSET)


def error_notices(app: Any) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def wait_notice(app: Any, pilot: Any, *parts: str) -> str:
    """The error notice containing every one of ``parts`` (waits for it)."""
    await wait_for(lambda: any(all(p in m for p in parts) for m in error_notices(app)), pilot)
    await pilot.pause()
    return next(m for m in error_notices(app) if all(p in m for p in parts))


def logged(path: Path, source: str) -> str:
    """The debug log's failure line of ``source`` (e.g. ``DetailScreen/detail``)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if f"{source} failed: " in line]
    assert lines, path.read_text(encoding="utf-8")[-2000:]
    return lines[-1]


async def open_tracking(app: Any, pilot: Any) -> None:
    await wait_loaded(app, pilot)
    await pilot.press("p")
    assert isinstance(app.screen, PaymentsScreen)
    await wait_for(lambda: app.session.payments.state is LoadState.DONE, pilot)
    await pilot.pause()


# --- the screens' own workers --------------------------------------------------------------------------


async def test_invoice_detail_failure_is_noticed_logged_and_stops_the_spinner(failing_app, debug_file) -> None:
    app = failing_app({r"/me/bill/[^/]+/details$": ovh_error(500, "Internal server error")})
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        notice = await wait_notice(app, pilot, "Internal server error")
        assert "HTTP 500" in notice and f"query id {QUERY_ID}" in notice
        assert app.screen.query_one("#detail-loading", LoadingIndicator).display is False
        assert "Could not load the invoice: Internal server error (HTTP 500" in screen_text(app)
    line = logged(debug_file, "DetailScreen/detail")
    assert "Internal server error (HTTP 500" in line and QUERY_ID in line


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (malformed, ("Unexpected answer from the API", "paidBills")),
        (ovh_error(503, "This service is temporarily unavailable"), ("temporarily unavailable", "HTTP 503",
                                                                     f"query id {QUERY_ID}")),
    ],
    ids=["model-error", "api-error"],
)  # fmt: skip
async def test_payment_detail_settlement_failure_leaves_the_spinner(
    failing_app, debug_file, answer: Answer, expected: tuple[str, ...]
) -> None:
    app = failing_app({r"/me/deposit/[^/]+/paidBills$": answer})
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, PaymentDetailScreen)
        screen = app.screen
        await wait_for(lambda: not screen.query_one("#payment-loading").display, pilot)
        await pilot.pause()
        notice = await wait_notice(app, pilot, *expected)
        assert "Could not load the payment: " in screen_text(app)
        assert all(part in notice for part in expected)
    assert all(part in logged(debug_file, "PaymentDetailScreen/payment-detail") for part in expected)


async def test_payments_list_load_failure_says_so_instead_of_loading(failing_app, debug_file) -> None:
    app = failing_app({r"/me/deposit$": ovh_error(500, "Internal server error")})
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        notice = await wait_notice(app, pilot, "Internal server error", "HTTP 500", f"query id {QUERY_ID}")
        assert notice
        text = screen_text(app)
        assert "Loading payments…" not in text
        assert "Loading payments failed: Internal server error (HTTP 500" in text
    assert QUERY_ID in logged(debug_file, "app/payments-load")


async def test_payments_list_counting_failure_is_noticed_not_counting_forever(failing_app, debug_file) -> None:
    app = failing_app({r"/me/deposit/[^/]+/paidBills$": dropped})
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        await wait_notice(app, pilot, "cannot reach")
        await wait_for(lambda: "cannot reach" in screen_text(app).splitlines()[0], pilot)
        assert "counting invoices" not in screen_text(app).splitlines()[0]
    assert "cannot reach" in logged(debug_file, "PaymentsScreen/payments-counts")


async def test_payment_export_failure_is_noticed_and_shown_in_the_dialog(failing_app, debug_file) -> None:
    app = failing_app({r"/me/deposit/[^/]+/paidBills$": dropped})
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        await wait_notice(app, pilot, "cannot reach")  # the counts, first
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, PaymentExportDialog)
        before = len(error_notices(app))  # the dialog cleared the toasts left from before (they cover its buttons)
        assert dialog.focused is dialog.query_one("#pe-go", Button)
        await pilot.press("enter")
        await wait_for(lambda: "Export failed: cannot reach" in screen_text(app), pilot)
        await wait_for(lambda: len(error_notices(app)) > before, pilot)
        assert "cannot reach" in error_notices(app)[-1]
        assert "Reading the invoices paid" not in screen_text(app)
    assert "cannot reach" in logged(debug_file, "PaymentExportDialog/default")


# --- every screen is covered -----------------------------------------------------------------------------


def test_every_screen_of_the_package_reports_its_workers_failures() -> None:
    """A new screen that forgets the mixin would lose its workers' errors again."""
    import importlib
    import pkgutil

    from textual.screen import Screen

    import ovh_invoices_tui.screens as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    screens: list[type[Any]] = []
    pending: list[type[Any]] = [Screen]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith(package.__name__ + "."):
                screens.append(sub)
    assert len(screens) >= 15
    missing = [s.__name__ for s in screens if not issubclass(s, worker_failures.ReportsWorkerFailures)]
    assert not missing, missing


async def test_a_screen_torn_down_under_its_worker_reports_no_spurious_failure(failing_app) -> None:
    """Esc while the detail loads: widgets gone under the worker is no failure; an API error still is."""
    from textual.css.query import NoMatches

    from ovh_invoices_tui.api.errors import ServerError

    app = failing_app({})
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        detail.report_failure(NoMatches("No nodes match '#detail-info'"), "detail")
        await pilot.pause()
        assert error_notices(app) == []
        detail.report_failure(ServerError("Internal server error", status=500, query_id=QUERY_ID), "detail")
        await wait_notice(app, pilot, "HTTP 500", QUERY_ID)
