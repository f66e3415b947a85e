"""What actions need from the user interface, as a protocol: the App implements it.

Actions never import a screen nor the App (that would tie the layers in a knot): they ask their host to
notify, to copy, to run I/O in a worker, or to open one of the dialogs it knows. Screens reach the same
host through :func:`host_of`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

if TYPE_CHECKING:
    from ovh_invoices_tui.data.session import AccountSession
    from ovh_invoices_tui.export.jobs import ExportKind, Scope

Severity = Literal["information", "warning", "error"]


class ActionHost(Protocol):
    """The user interface an action runs in."""

    @property
    def session(self) -> AccountSession:
        """The account being worked on."""
        ...

    @property
    def lang(self) -> str:
        """The language of the UI ("en", "fr")."""
        ...

    @property
    def profile_names(self) -> Sequence[str]:
        """The profiles of the config (``:account NAME``)."""
        ...

    @property
    def text_width(self) -> int:
        """How many columns a document shown as text may use."""
        ...

    def key_for(self, binding_id: str) -> str | None:
        """The key a binding id is bound to now (after the user's key map), for messages like "press $"."""
        ...

    def notify(
        self, message: str, *, title: str = "", severity: Severity = "information", timeout: float | None = None,
        markup: bool = False,
    ) -> None:  # fmt: skip
        """A toast; its text is shown literally."""
        ...

    def copy_to_clipboard(self, text: str) -> None:
        """Copy ``text`` (OSC 52: works over SSH)."""
        ...

    def run_io(self, work: Awaitable[Any], *, group: str = "io", exclusive: bool = False) -> object:
        """Run an I/O coroutine in a worker whose failure is reported."""
        ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any:
        """Show a screen (screens open the dialogs they own; actions cannot name a screen)."""
        ...

    def refresh_account(self) -> None:
        """Re-read the balance and the invoices' statuses."""
        ...

    def exit(self, result: int | None = None) -> None:
        """Quit the app."""
        ...

    # --- the screens an action may open (the host knows them; the action only asks) ---------------

    def show_document(
        self, title: str, text: str, *, note: str, open_outside: Callable[[], None], copy_link: Callable[[], None]
    ) -> None:
        """Show a document as text (``o`` opens it outside, ``y`` copies its link)."""
        ...

    def open_invoice(self, reference: str) -> None:
        """Put the cursor on the invoice (clearing filters that hide it) and open it."""
        ...

    def open_detail(self, bill_id: str) -> None:
        """Open an invoice's detail."""
        ...

    def open_pay_dialog(self, bill_id: str | None = None) -> None:
        """Confirm paying one invoice's balance, or everything due (``None``)."""
        ...

    def open_cancel_dialog(self, bill_id: str) -> None:
        """The cancellation request form of an invoice."""
        ...

    def open_export_dialog(self, scope: Scope, kind: ExportKind) -> None:
        """The export dialog for these invoices in this format."""
        ...

    def open_payments(self) -> None:
        """Payment tracking."""
        ...

    def open_refunds(self) -> None:
        """The credit notes."""
        ...

    def open_insights(self, scope: Literal["all", "view"] = "all") -> None:
        """Spend insights over every invoice, or over the list's view."""
        ...

    def show_accounts(self) -> None:
        """The accounts overview (several profiles configured)."""
        ...

    async def switch_profile(self, name: str) -> None:
        """Work on another profile of the config."""
        ...

    async def choose_language(self, lang: str) -> None:
        """Speak ``lang`` from now on, whatever the account's language."""
        ...


def host_of(node: Any) -> ActionHost:
    """The host a Textual node runs in (the App implements :class:`ActionHost`)."""
    return cast(ActionHost, getattr(node, "app", node))
