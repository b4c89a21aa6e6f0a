"""Counts of volunteers by place, for the statistics page and the public map (numbers only, no person)."""

from collections import Counter

from django.db.models import Count

from volunteers.models import Volunteer


def active_volunteers_by_prefix2(*, region_ids: list[int] | None = None) -> dict[str, int]:
    """Active volunteers per two-digit postal region; only those in ``region_ids`` unless None (all).

    Grouped by postal code in the database (~8,200 groups from an index on postal_code) and summed per
    prefix here, which PostgreSQL does faster than grouping 1M rows by a substring.
    """
    volunteers = Volunteer.objects.filter(is_active=True)
    if region_ids is not None:
        volunteers = volunteers.filter(postal_code__region_id__in=region_ids)
    counts: Counter[str] = Counter()
    for code, total in volunteers.values_list("postal_code").annotate(total=Count("pk")).order_by():
        counts[code[:2]] += total
    return dict(counts)
