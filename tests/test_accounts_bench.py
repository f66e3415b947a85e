"""The accounts overview benchmark measures what the app sends: no request of its own making, none cut short."""

from __future__ import annotations

from benchmarks.accounts_bench import bench_accounts


def test_six_accounts_cost_six_times_one_with_no_request_failed_or_retried() -> None:
    one = bench_accounts(1, 20)
    six = bench_accounts(6, 20)
    # the same account six times over: each refresh sends what one alone sends (a client closing a transport the
    # others still used cut their requests, retried after a random backoff: 55-59 requests instead of 42)
    assert six["requests"] == 6 * one["requests"], (one, six)
    assert six["requests_failed"] == 0
    assert six["failed"] == 0
    assert six["most_in_flight"] <= 8
