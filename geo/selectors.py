from django.db.models import Count, Max, Min

from geo.maps import MapGeometry, map_geometry_cached, prefix2_region_names
from geo.models import PostalCode


def postal_code_get(*, code: str) -> PostalCode | None:
    return PostalCode.objects.filter(code=code).first()


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
