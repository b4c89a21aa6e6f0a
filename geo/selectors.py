from django.core.cache import caches
from django.db.models import Count, Max, Min

from geo.maps import MapGeometry, map_geometry_cached, prefix2_region_names
from geo.models import PostalCode

# Reference data (loaded by the migration geo 0002), the same for every request: a known code's row is kept in
# the process ("local" cache) for a day. That saves the directory's postal-code search and every form with a
# postal code a round trip to the database. Its `region` may lag an edit of the regions in this process: scope by
# region in the database (joins through geo_postalcode.region_id), never through a kept row.
KEPT_SECONDS = 24 * 60 * 60


def postal_code_get(*, code: str) -> PostalCode | None:
    if not (len(code) == 5 and code.isascii() and code.isdigit()):
        return PostalCode.objects.filter(code=code).first()  # never a key in the cache, whatever it holds
    key = f"geo.postal-code.{code}"
    kept = caches["local"].get(key)
    if kept is not None:
        return kept
    postal_code = PostalCode.objects.filter(code=code).first()
    if postal_code is not None:
        caches["local"].set(key, postal_code, KEPT_SECONDS)
    return postal_code


def map_geometry_current() -> MapGeometry:
    """The map's cells for the postal codes in the database, computed once per process (~0.4 s)."""
    summary = PostalCode.objects.aggregate(count=Count("code"), first=Min("code"), last=Max("code"))
    key = (summary["count"], summary["first"] or "", summary["last"] or "")
    return map_geometry_cached(
        key, lambda: PostalCode.objects.values_list("code", "latitude", "longitude").order_by("code")
    )


def prefix2_in_regions(region_ids: list[int]) -> set[str]:
    """The two-digit postal regions with at least one postal code in these regions."""
    codes = PostalCode.objects.filter(region_id__in=region_ids).values_list("code", flat=True)
    return {code[:2] for code in codes}


def prefix2_region_names_current() -> dict[str, str]:
    """prefix2 -> the name of the region most of its postal codes belong to (for the map's table)."""
    return prefix2_region_names(PostalCode.objects.filter(region__isnull=False).values_list("code", "region__name"))
