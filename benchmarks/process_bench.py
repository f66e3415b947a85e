"""Benchmarks measured where the user stands: whole processes started from a shell, the terminal read from outside.

Each figure is printed beside a yardstick measured in the same run:

- ``ovh-invoices --help``: wall time and peak memory, beside ``python -c pass``;
- ``bills list --format json --no-cache`` on 100,000 bills served over loopback at 50 ms latency, beside a raw
  httpx listing of the same pages (signed, 8 in flight, nothing decoded);
- the TUI in a pseudo-terminal (120×40): from ``exec`` to the first invoice reference drawn, and to the status
  line saying every invoice is loaded, cold (empty cache) and warm (second launch), beside a bare Textual app
  drawing 30 static lines; the TUI's resident memory once loaded (fresh and from the cache).

Run: ``python -m benchmarks.process_bench [bills] [latency_ms]`` (prints one JSON object).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENTRY = str(Path(sys.executable).with_name("ovh-invoices"))
REFERENCE = re.compile(rb"FR\d{8}")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b\][^\x07]*\x07")


def median_wall(command: list[str], runs: int = 7, env: dict[str, str] | None = None) -> float:
    """Median wall time of ``command`` run ``runs`` times (output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_rss_mb(command: list[str]) -> float:
    """Peak resident memory of one run of ``command`` (its own process only), in MiB."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``ovh-invoices sandbox serve`` in a subprocess, and an ovh.conf pointing at it."""

    def __init__(self, folder: Path, bills: int, latency_ms: int) -> None:
        from ovh_invoices_tui.sandbox import credentials

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/1.0"
        self.process = subprocess.Popen(
            [ENTRY, "sandbox", "serve", "--port", str(self.port), "--bills", str(bills), "--latency-ms",
             str(latency_ms)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.conf = folder / "ovh.conf"
        self.conf.write_text(
            f"[default]\nendpoint = {self.url}\n[{self.url}]\n"
            f"application_key = {credentials.APPLICATION_KEY}\napplication_secret = {credentials.APPLICATION_SECRET}\n"
            f"consumer_key = {credentials.CONSUMER_KEY}\n"
        )
        self.conf.chmod(0o600)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the sandbox server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


async def raw_listing(url: str, bills: int) -> float:
    """Signed GETs of every page of ``/me/bill`` and ``/me/debtAccount/debt`` (5,000 a page, 8 in flight)."""
    import httpx

    from ovh_invoices_tui.api.signing import signature, signed_headers
    from ovh_invoices_tui.sandbox import credentials

    limiter = asyncio.Semaphore(8)
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=60) as client:
        server_time = int((await client.get(f"{url}/auth/time")).text)
        delta = server_time - int(time.time())

        async def page(path: str, number: int) -> int:
            full = f"{url}{path}"
            when = int(time.time()) + delta
            signed = signature(credentials.APPLICATION_SECRET, credentials.CONSUMER_KEY, "GET", full, "", when)
            headers = signed_headers(credentials.APPLICATION_KEY, credentials.CONSUMER_KEY, when, signed)
            headers.update({"X-Pagination-Mode": "CachedObjectList-Pages", "X-Pagination-Size": "5000",
                            "X-Pagination-Number": str(number)})  # fmt: skip
            async with limiter:
                response = await client.get(full, headers=headers)
            response.raise_for_status()
            return len(response.content)

        pages = max(1, -(-bills // 5000))
        await asyncio.gather(*(page("/me/bill", n) for n in range(1, pages + 1)), page("/me/debtAccount/debt", 1))
    return time.perf_counter() - started


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of ``pid`` now (``VmRSS``) or at its peak (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _settle(fd: int, quiet: float = 1.0, longest: float = 10.0) -> None:
    """Read the terminal until the app has drawn nothing for ``quiet`` seconds (its refresh and cache write
    over), ``longest`` at most."""
    deadline = time.perf_counter() + longest
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def in_pty(
    command: list[str], env: dict[str, str], first: re.Pattern[bytes], done: re.Pattern[bytes] | None,
    cwd: Path, timeout: float = 120.0,
) -> dict[str, float | None]:  # fmt: skip
    """Run ``command`` in a 120×40 pseudo-terminal; seconds until ``first`` and ``done`` appear on screen, and the
    process's resident memory once ``done`` is seen and the app has gone quiet (or when ``first`` is seen), and its
    peak. The app is then asked to quit (``q``)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a shell would do the same exec
        os.chdir(cwd)
        os.execvpe(command[0], command, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.perf_counter()
    seen = b""
    result: dict[str, float | None] = {"first_s": None, "done_s": None, "rss_mb": None, "rss_peak_mb": None}
    deadline = started + timeout
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen = (seen + ANSI.sub(b"", chunk))[-200_000:]
                now = time.perf_counter() - started
                if result["first_s"] is None and first.search(seen):
                    result["first_s"] = now
                    if done is None:
                        result["rss_mb"] = _rss_mb(pid)
                        break
                if done is not None and result["first_s"] is not None and done.search(seen):
                    result["done_s"] = now
                    _settle(fd)  # memory is read once the load is over: refresh, cache write, last repaint
                    result["rss_mb"] = _rss_mb(pid)
                    result["rss_peak_mb"] = _rss_mb(pid, "VmHWM")
                    break
    finally:
        try:
            os.write(fd, b"q")
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):
                try:
                    os.read(fd, 65536)
                except OSError:
                    break
            else:
                pass
        except OSError:
            pass
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
    return result


BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        for i in range(30):
            yield Static(f"static line {i:02d} FR{i:08d}")
    def on_key(self, event):
        self.exit()
Bare().run()
"""


# The yardstick of the memory figures: Textual's own DataTable holding the same 100,000 rows of seven columns
# (reference, order, date, amounts, balance, status) as text, drawn in the same terminal.
DATATABLE_APP = """
import sys
from textual.app import App
from textual.widgets import DataTable
N = int(sys.argv[1])
class Table(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Reference", "Order", "Date", "Excl. tax", "Incl. tax", "Balance", "Status")
        table.add_rows((f"FR{i:08d}", str(150_000_000 + i), f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                        f"{i % 997}.{i % 100:02d} €", f"{i % 1201}.{i % 100:02d} €", "0.00 €", "Paid")
                       for i in range(N))
    def on_key(self, event):
        self.exit()
Table().run()
"""


def bench_processes(bills: int = 100_000, latency_ms: int = 50, runs: int = 5) -> dict[str, Any]:
    out: dict[str, Any] = {"bills": bills, "latency_ms": latency_ms}
    out["python_pass_s"] = median_wall([sys.executable, "-c", "pass"])
    out["help_s"] = median_wall([ENTRY, "--help"])
    out["help_rss_mb"] = peak_rss_mb([ENTRY, "--help"])
    out["python_pass_rss_mb"] = peak_rss_mb([sys.executable, "-c", "pass"])
    with tempfile.TemporaryDirectory(prefix="ovh-bench-") as tmp:
        folder = Path(tmp)
        server = Server(folder, bills, latency_ms)
        try:
            env = {**os.environ, "HOME": str(folder), "XDG_CACHE_HOME": str(folder / "cache"),
                   "XDG_CONFIG_HOME": str(folder / "config"), "XDG_STATE_HOME": str(folder / "state"),
                   "OVH_INVOICES_CONFIG": str(folder / "config.toml"), "TERM": "xterm-256color",
                   "LANG": "C.UTF-8"}  # fmt: skip
            for name in ("OVH_ENDPOINT", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY"):
                env.pop(name, None)
            out["raw_listing_s"] = statistics.median(asyncio.run(raw_listing(server.url, bills)) for _ in range(3))
            cli = [ENTRY, "--profile", "ovh.conf", "bills", "list", "--format", "json", "--no-cache"]
            times = []
            for _ in range(3):
                started = time.perf_counter()
                subprocess.run(cli, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               check=True)  # fmt: skip
                times.append(time.perf_counter() - started)
            out["cli_list_json_s"] = statistics.median(times)
            count = f"{bills:,}".encode()
            loaded = re.compile(rb"\b" + re.escape(count) + rb" invoices\b")
            tui = [ENTRY, "--profile", "ovh.conf", "--lang", "en"]
            colds, warms = [], []
            for _ in range(runs):
                cache = folder / "cache"
                subprocess.run(["rm", "-rf", str(cache)], check=True)
                colds.append(in_pty(tui, env, REFERENCE, loaded, folder))
                warms.append(in_pty(tui, env, REFERENCE, loaded, folder))
            out["tui_cold_first_s"] = _median(colds, "first_s")
            out["tui_cold_loaded_s"] = _median(colds, "done_s")
            out["tui_warm_first_s"] = _median(warms, "first_s")
            out["tui_warm_loaded_s"] = _median(warms, "done_s")
            out["tui_rss_fresh_mb"] = _median(colds, "rss_mb")
            out["tui_rss_cached_mb"] = _median(warms, "rss_mb")
            out["tui_rss_peak_fresh_mb"] = _median(colds, "rss_peak_mb")
            out["tui_rss_peak_cached_mb"] = _median(warms, "rss_peak_mb")
            table = [sys.executable, "-c", DATATABLE_APP, str(bills)]
            out["datatable_rss_mb"] = in_pty(table, env, re.compile(rb"FR00000000"), None, folder)["rss_mb"]
            bare = [sys.executable, "-c", BARE_APP]
            out["bare_textual_s"] = _median(
                [in_pty(bare, env, re.compile(rb"static line 29"), None, folder) for _ in range(runs)], "first_s"
            )
        finally:
            server.stop()
    return out


def _median(results: list[dict[str, float | None]], key: str) -> float | None:
    values = [r[key] for r in results if r[key] is not None]
    return statistics.median(values) if values else None


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    latency = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    print(json.dumps(bench_processes(count, latency)))
