"""``ovh-invoices pay`` and ``ticket cancel-invoice`` against one in-process sandbox the test can look into."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.data import clients as factory
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from tests.test_pay_flow import LostAnswer

PAY_ALL = "POST /me/debtAccount/pay"
TICKETS = "POST /support/tickets/create"



def sandbox(monkeypatch: pytest.MonkeyPatch, *, lose_answer_of: str | None = None) -> Any:
    """Every client the CLI builds (``--demo`` included) talks to this one sandbox; returns its state."""
    app = create_app(SandboxConfig(bills=40, seed=7, base_url=credentials.INPROCESS_BASE_URL))
    real = factory.OvhClient

    def client(*args: Any, **kwargs: Any) -> Any:
        transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=app)
        kwargs["transport"] = LostAnswer(transport, lose_answer_of) if lose_answer_of else transport
        kwargs.setdefault("retry_base_delay", 0.001)
        return real(*args, **kwargs)

    monkeypatch.setattr(factory, "OvhClient", client)
    return app.state.sandbox


def _due(state: Any) -> list[Any]:
    return [d for d in state.data.debts if d.due > 0]


def test_pay_yes_prints_the_order_and_its_link(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    assert _due(state)
    assert cli.main(["--demo", "--lang", "en", "pay", "--yes"]) == 0
    out = capsys.readouterr().out
    assert state.requests[PAY_ALL] == 1
    (order,) = state.orders.values()
    assert "To pay (everything due)" in out and "valid for one hour" in out
    assert f"Order        {order.order_id}" in out
    assert "Payment URL  http://sandbox.invalid/cgi-bin/order/" in out and "valid one hour" in out
    for debt in _due(state):
        assert state.data.bills[debt.bill].bill_id in out


def test_pay_asks_on_the_terminal(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert cli.main(["--demo", "pay"]) == 1
    assert "nothing was sent" in capsys.readouterr().err
    assert state.requests[PAY_ALL] == 0
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert cli.main(["--demo", "pay"]) == 0
    assert state.requests[PAY_ALL] == 1


def test_pay_without_yes_off_a_terminal_is_refused(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert cli.main(["--demo", "pay"]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert state.requests[PAY_ALL] == 0


def test_pay_one_bill(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    debt = _due(state)[0]
    ref = state.data.bills[debt.bill].bill_id
    assert cli.main(["--demo", "pay", "--bill", ref, "--yes"]) == 0
    assert f"the balance of invoice {ref}" in capsys.readouterr().out
    assert state.requests[f"POST /me/bill/{ref}/debt/pay"] == 1 and state.requests[PAY_ALL] == 0
    (order,) = state.orders.values()
    assert order.debts == [debt.debt_id]


def test_nothing_to_pay_sends_nothing(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    state.settle(state.pay(list(state.data.debts)))
    assert cli.main(["--demo", "pay", "--yes"]) == 0
    assert "Nothing to pay" in capsys.readouterr().out
    assert state.requests[PAY_ALL] == 0


def test_outcome_unknown_is_not_resent(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch, lose_answer_of="/me/debtAccount/pay")
    assert cli.main(["--demo", "pay", "--yes"]) == 5
    err = capsys.readouterr().err
    assert "no answer came" in err and "NOT sent again" in err and "balance" in err
    assert state.requests[PAY_ALL] == 1


@pytest.mark.parametrize("how", ["flag", "profile"])
def test_readonly_refuses_both_commands(how: str, isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    if how == "profile":
        isolated.write_text("default_profile = 'play'\n[profiles.play]\ndemo = true\nreadonly = true\n")
        flags: list[str] = []
    else:
        flags = ["--demo", "--readonly"]
    assert cli.main([*flags, "pay", "--yes"]) == 2
    assert "read-only mode" in capsys.readouterr().err
    ref = state.data.bills[0].bill_id
    assert cli.main([*flags, "ticket", "cancel-invoice", ref, "--reason", "withdrawal", "--yes"]) == 2
    assert "read-only mode" in capsys.readouterr().err
    assert not any(key.startswith("POST") for key in state.requests)


def test_ticket_cancel_invoice(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    bill = state.data.bills[3]
    ref = bill.bill_id
    args = ["--demo", "--lang", "en", "ticket", "cancel-invoice", ref, "--reason", "not-legitimate"]
    assert cli.main([*args, "--message", "Never ordered this", "--yes"]) == 0
    out = capsys.readouterr().out
    (ticket,) = state.tickets
    assert f"Ticket {ticket['ticketNumber']} created" in out
    assert f"Subject: Cancellation request for invoice {ref}" in out
    assert ref in ticket["subject"] and ref in ticket["body"] and "Never ordered this" in ticket["body"]
    assert "Invoice not legitimate" in ticket["body"]
    assert (ticket["category"], ticket["subcategory"]) == ("billing", "bill")
    assert state.requests[TICKETS] == 1


def test_ticket_other_needs_a_message(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    state = sandbox(monkeypatch)
    ref = state.data.bills[0].bill_id
    assert cli.main(["--demo", "ticket", "cancel-invoice", ref, "--reason", "other", "--yes"]) == 2
    assert "--message" in capsys.readouterr().err
    assert state.requests[TICKETS] == 0
