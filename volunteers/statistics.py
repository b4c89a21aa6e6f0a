"""Counts of volunteers by place, for the statistics page and the public map (numbers only, no person)."""

from django.db.models import Count

from volunteers.selectors import volunteers_matchable


def active_volunteers_by_postal_code() -> dict[str, int]:
    """Active volunteers per postal code (~8,200 groups); callers sum them per region or prefix.

    One pass over the table: at 1M volunteers this is the slowest figure of the statistics, so
    ``matching.requests.statistics`` computes it once for the whole country and caches it.
    """
    # "Active" as the public list counts them (volunteers_matchable), so the map and the list agree.
    rows = volunteers_matchable().values_list("postal_code").annotate(total=Count("pk")).order_by()
    return dict(rows)
