"""The least-privilege access rules requested for a consumer key (``ovh-invoices login``)."""

from __future__ import annotations

READ_RULES: tuple[tuple[str, str], ...] = (
    ("GET", "/me"),
    ("GET", "/me/bill"),
    ("GET", "/me/bill/*"),
    ("GET", "/me/debtAccount"),
    ("GET", "/me/debtAccount/*"),
    ("GET", "/me/deposit"),
    ("GET", "/me/deposit/*"),
    ("GET", "/me/refund"),
    ("GET", "/me/refund/*"),
    ("GET", "/me/order/*"),
)

# Calls that pay, open a ticket or ask for an export: left out of read-only keys.
WRITE_RULES: tuple[tuple[str, str], ...] = (
    ("POST", "/me/debtAccount/pay"),
    ("POST", "/me/bill/*/debt/pay"),
    ("POST", "/support/tickets/create"),
    ("POST", "/me/bill/export"),
)


def access_rules(readonly: bool = False) -> list[dict[str, str]]:
    """The ``accessRules`` body of ``POST /auth/credential``."""
    rules = READ_RULES if readonly else READ_RULES + WRITE_RULES
    return [{"method": method, "path": path} for method, path in rules]
