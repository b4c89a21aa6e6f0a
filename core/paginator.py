"""Paginating without needless counts: public lists whose first page holds everything, and admin lists
over large tables (exact counts up to a cap, the planner's estimate above).

For admin lists:
``COUNT(*)`` over a million volunteers reads a million index entries on every page view; coordinators
need to know "about how many", not the exact figure, once a list is that long. Up to ``EXACT_UP_TO``
rows the count is exact (and cheap: counting stops at the cap); above it, PostgreSQL's row estimate for
the same query is used. Other databases always count exactly.
"""

import json

from django.core.paginator import Page, Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_UP_TO = 10_000


class LargeTablePaginator(Paginator):
    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return super().count
        capped = queryset.order_by()[: EXACT_UP_TO + 1].count()
        if capped <= EXACT_UP_TO:
            return capped
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return max(capped, int(plan[0]["Plan"]["Plan Rows"]))


def page_get(results, number: str | None, *, per_page: int) -> Page:
    """``Paginator(results, per_page).get_page(number)``, in one query where the first page holds every row.

    A short result (the usual directory search) is counted by its rows: no ``COUNT(*)`` query, whose
    compilation and round trip cost the directory page as much as its rows.
    """
    paginator = Paginator(results, per_page)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    rows = list(results[:per_page])
    if len(rows) < per_page:
        paginator.count = len(rows)  # else counted when the page asks for it
    return Page(rows, 1, paginator)
