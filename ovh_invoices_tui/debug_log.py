"""``--debug``'s log file: every request (method, path, status, duration, ``X-Ovh-QueryID``), secrets redacted.

The file is ``<log dir>/ovh-invoices.log`` (``locations.log_dir()``), mode 0600 in a 0700 folder. A
:class:`RedactingFilter` on every handler replaces the configured secrets (application secret, consumer key,
client secret …), ``passwd=``/``password=`` query values and Bearer tokens with ``***`` — in our records
and in the libraries' (httpx logs whole URLs, document passwords included).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ovh_invoices_tui import locations

if TYPE_CHECKING:
    from ovh_invoices_tui.api.session import RequestLog
    from ovh_invoices_tui.config import Profile

LOG_FILE_NAME = "ovh-invoices.log"
REQUESTS_LOGGER = "ovh_invoices_tui.requests"
TRACE_LOGGER = "ovh_invoices_tui.trace"  # failures with their traceback: for the debug log file only
MASK = "***"
_MIN_SECRET = 6  # shorter values would mask ordinary words
_QUERY_SECRET = re.compile(r"(?i)\b((?:passwd|password|pwd|token|access_token|secret)=)[^&\s#\"'<>]+")
_BEARER = re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+")
_SECRET_FIELDS = ("application_secret", "consumer_key", "client_secret")

_secrets: set[str] = set()
_log = logging.getLogger(REQUESTS_LOGGER)
_trace = logging.getLogger(TRACE_LOGGER)
_trace.addHandler(logging.NullHandler())  # without the debug log, never Python's last-resort print on stderr


def add_secrets(*values: str | None) -> None:
    """Values to mask in every log record from now on."""
    _secrets.update(value for value in values if value and len(value) >= _MIN_SECRET)


def add_profile_secrets(profile: Profile | None) -> None:
    """The credentials of ``profile`` (the sandbox's too, for a demo profile)."""
    if profile is None:
        return
    add_secrets(*(getattr(profile, name) for name in _SECRET_FIELDS))
    if profile.demo:
        from ovh_invoices_tui.sandbox import credentials

        add_secrets(credentials.APPLICATION_SECRET, credentials.CONSUMER_KEY, credentials.CLIENT_SECRET)


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """``text`` with the secrets, ``passwd=…`` query values and Bearer/Basic credentials replaced by ``***``."""
    for secret in sorted(_secrets if secrets is None else set(secrets), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, text)
    return _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) and exception text with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            # Format the traceback now, redacted; the formatter then reuses exc_text.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def log_file(directory: Path | None = None) -> Path:
    return (directory or locations.log_dir()) / LOG_FILE_NAME


def enable(directory: Path | None = None, *, level: int = logging.DEBUG) -> Path:
    """Log to the debug file (0600 in a 0700 folder) at ``level``; stderr handlers get the filter too."""
    path = log_file(directory)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)  # mkdir's mode is masked by the umask, and the folder may exist
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    os.chmod(path, 0o600)
    root = logging.getLogger()
    if not any(isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        file_handler = logging.FileHandler(path, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(file_handler)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    root.setLevel(min(root.level or level, level))
    _log.setLevel(logging.DEBUG)
    # Our own line per request says more (duration, query id); libraries' chatter would only double it.
    for noisy in ("httpx", "httpcore", "fpdf", "fontTools", "asyncio", "hpack"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


def disable(directory: Path | None = None) -> None:
    """Close and remove the debug file's handler (tests, or a long-lived process)."""
    path = log_file(directory)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            root.removeHandler(handler)
            handler.close()


def log_request(entry: RequestLog) -> None:
    """One line per attempt: ``GET /me/bill 200 12 ms EU.ext-1.abc`` (the path carries no document query)."""
    if _log.isEnabledFor(logging.DEBUG):
        status = entry.status if entry.status is not None else "---"
        _log.debug("%s %s %s %.0f ms %s", entry.method, entry.path, status, entry.duration_ms, entry.query_id or "-")


def log_failure(source: str, summary: str, error: BaseException) -> None:
    """``PaymentDetailScreen/payment-detail failed: <summary>`` and the traceback, in the debug log (redacted)."""
    _trace.error("%s failed: %s", source, summary, exc_info=error)


def tee(callback: Callable[[RequestLog], object]) -> Callable[[RequestLog], None]:
    """``callback``, also logging each request to the debug log when it is enabled."""

    def both(entry: RequestLog) -> None:
        callback(entry)
        log_request(entry)

    return both
