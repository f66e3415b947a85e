"""Worker failures, handled once: every screen reports its workers' errors up and leaves its loading state.

Textual's ``Worker.StateChanged`` does not bubble: a worker started by a screen reports to that screen only,
so the App never hears of it. Every screen of the package is a :class:`ReportsWorkerFailures`: on a failed
worker it calls its :meth:`~ReportsWorkerFailures.show_failure` hook (spinner → an error line) and posts a
:class:`WorkerFailed` that bubbles to the App, which shows the notice and writes the debug log line.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ovh_invoices_tui.api.errors import OvhError
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.core.models import ModelError

ResultT = TypeVar("ResultT")

# A mixin type-checked as a Screen, a plain class at run time (the screen it is mixed into is the Screen).
if TYPE_CHECKING:
    _ScreenBase = Screen[Any]
else:
    _ScreenBase = object


def describe_failure(error: BaseException, lang: str = "en") -> str:
    """One line for the user: the OVH message with its HTTP status and query id, or what else went wrong."""
    if isinstance(error, OvhError):
        return str(error)  # "message (HTTP 500, query id EU.ext-3.…)"
    if isinstance(error, ModelError):
        return t("failure.model", lang, error=str(error))
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class WorkerFailed(Message):
    """A worker failed: bubbles up to the App, which shows it and logs it."""

    def __init__(self, error: BaseException, source: str) -> None:
        super().__init__()
        self.error = error
        self.source = source  # "PaymentDetailScreen/payment-detail": where, for the debug log


class ReportsWorkerFailures(_ScreenBase):
    """Mix into every screen (before ``Screen``/``ModalScreen``): its failed workers are reported, never lost."""

    def show_failure(self, text: str) -> None:
        """Leave the loading state, showing ``text`` where the result would have been (override per screen)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        self.report_failure(worker.error, worker.group)

    def report_failure(self, error: BaseException, group: str) -> None:
        """The screen leaves its loading state; the App shows the notice and logs it."""
        if self._leaving():
            if isinstance(error, NoMatches):
                return  # its widgets were torn down under the running worker (Esc, quit): nothing failed
        else:
            self.show_failure(describe_failure(error, getattr(self.app, "lang", "en")))
        self.app.post_message(WorkerFailed(error, f"{type(self).__name__}/{group}"))

    def _leaving(self) -> bool:
        """Popped, dismissed or the app quitting: its widgets are going, there is no loading state to leave."""
        app = self.app
        return not (self.is_attached and app.is_running and self in app.screen_stack)

    def run_app_worker(self, work: Awaitable[ResultT], *, group: str) -> Worker[ResultT]:
        """Run ``work`` in an App worker (a POST must outlive a screen popped over it) whose failure still
        makes this screen leave its loading state; the App reports it as for its own workers."""

        async def guarded() -> ResultT:
            try:
                return await work
            except Exception as error:
                if not self._leaving():
                    self.show_failure(describe_failure(error, getattr(self.app, "lang", "en")))
                raise

        return self.app.run_worker(guarded(), group=group, exit_on_error=False)
