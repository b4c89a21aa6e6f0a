"""``bench_matching`` on PostgreSQL: the same drawn searches run other ways, each against the prepared search."""

import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from matching.engine import search, search_sql
from matching.management.bench_stats import percentile
from matching.management.scratch import ALIAS


def planning_report(command: BaseCommand, *, drawn: list[dict], prepared: list[float]) -> None:
    """The same searches unprepared (planned every time): the difference is what planning costs."""
    unprepared = []
    with override_settings(MATCHING_PREPARED_STATEMENTS=False):
        for arguments in drawn:
            started = time.perf_counter()
            search.candidates_search(using=ALIAS, **arguments)
            unprepared.append((time.perf_counter() - started) * 1000)
    p50, plain = percentile(prepared, 50), percentile(unprepared, 50)
    command.stdout.write(
        f"  planning: unprepared p50 {plain:.2f} ms / p95 {percentile(unprepared, 95):.2f} ms against prepared "
        f"p50 {p50:.2f} ms: planning costs {plain - p50:.2f} ms, {(plain - p50) / p50:.1f}× the execution"
    )


def plain_join_report(command: BaseCommand, *, drawn: list[dict], ranked: list[float]) -> None:
    """The same searches with the plain join (SQLite's text) on PostgreSQL: what ranking per postal code saves."""
    for arguments in drawn[:20]:  # its own text: planned once on this connection, then warm
        search.candidates_search(using=ALIAS, sql_text=search_sql.SQLITE, **arguments)
    plain = []
    for arguments in drawn:
        started = time.perf_counter()
        search.candidates_search(using=ALIAS, sql_text=search_sql.SQLITE, **arguments)
        plain.append((time.perf_counter() - started) * 1000)
    command.stdout.write(
        f"  plain join (every volunteer of the nearest postal codes probed): p50 {percentile(plain, 50):.2f} ms / "
        f"p95 {percentile(plain, 95):.2f} ms against ranked per postal code p50 {percentile(ranked, 50):.2f} / "
        f"p95 {percentile(ranked, 95):.2f} ms: {percentile(plain, 95) / percentile(ranked, 95):.1f}× at p95"
    )
