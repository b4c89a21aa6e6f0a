"""Reads of the public Mitläuferliste (/mitlaeuferliste/): counts per region, and who opted in to be listed.

What the public sees, and why nobody can be singled out:

- Counts of active volunteers per region are shown only from ``COUNT_MIN`` (5) on ("weniger als 5"
  below) and rounded to the nearest ``COUNT_STEP`` (5; 10 from 100), so the page never states an
  exact number: watching it does not tell when one particular person joined, paused or left.
  Counts exist for whole regions here and, on the map (``geo.maps``), per two-digit postal area, both
  through the same suppression and rounding (``geo.maps.public_count``); no cross-tabulation, and
  differences of rounded figures do not give back an exact number.
- A language is named for a region only if at least ``LANGUAGE_MIN`` active volunteers there speak it,
  and without a number: "Tigrinya in Bremen" must not point at the one person who speaks it.
- Only volunteers who opted in (``Volunteer.listed_publicly``) appear by name, with their first name,
  the three-digit postal area and their languages, and only while they are "active" in the sense of
  ``volunteers_matchable`` (e-mail confirmed, consent given, briefed, active, not paused).

The counts are one aggregate query over all regions (about 0.2 s at 100,000 volunteers, so about 2 s
at a million), cached for ``CACHE_SECONDS`` and refreshed by beat every ``REFRESH_SECONDS`` (shorter),
so no visitor waits for it; core.cache fails open: with Redis down they are computed on every view.
The listed volunteers are read live (one query over a partial index), so opting out, pausing,
withdrawing or erasing removes someone at once.
"""

from dataclasses import dataclass, field

from celery import shared_task
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.db.models.lookups import GreaterThan

from directory.choices import Language
from directory.initiative_selectors import initiatives_published
from directory.models import Initiative
from geo.maps import PUBLIC_THRESHOLD, public_count
from geo.models import Region
from volunteers.models import Volunteer
from volunteers.selectors import volunteers_matchable

COUNT_MIN = PUBLIC_THRESHOLD  # 5; the rounding (5, from 100 on 10) is geo.maps.public_count
LANGUAGE_MIN = 5
# A region with fewer active volunteers than this shows the call to join first.
FEW = 20
CACHE_SECONDS = 10 * 60
REFRESH_SECONDS = 5 * 60  # beat (settings.CELERY_BEAT_SCHEDULE), inside CACHE_SECONDS
CACHE_KEY = "volunteers:public-list:counts:v1"
LISTED_PER_PAGE = 30
INITIATIVES_MAX = 30


def count_rounded(exact: int) -> int | None:
    """The figure the public sees: None below COUNT_MIN, else rounded to the nearest step; the map's rule too."""
    return public_count(exact)


@dataclass
class RegionSummary:
    pk: int
    name: str
    slug: str
    count: int | None  # rounded; None means "weniger als 5"
    language_values: list[int] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        # Labels at render time, in the reader's language (the cache holds values only).
        return [str(Language(value).label) for value in self.language_values]

    @property
    def is_few(self) -> bool:
        return self.count is None or self.count < FEW


@dataclass
class ListOverview:
    regions: list[RegionSummary]
    total: int | None
    without_region: bool = False

    def region(self, slug: str) -> RegionSummary | None:
        return next((summary for summary in self.regions if summary.slug == slug), None)


def _counts_query() -> dict[int | None, dict[str, int]]:
    """Exact counts per region id (None: postal codes in no region): active volunteers and per language."""
    per_language = {
        f"lang_{language.value}": Count("pk", filter=GreaterThan(F("languages").bitand(1 << language.value), 0))
        for language in Language
    }
    rows = (
        volunteers_matchable().order_by().values("postal_code__region_id").annotate(active=Count("pk"), **per_language)
    )
    return {row.pop("postal_code__region_id"): row for row in rows}


def _overview_compute() -> dict:
    """The cached payload: plain values only (no lazy translations, no model instances)."""
    counts = _counts_query()
    regions = []
    for pk, name, slug in Region.objects.order_by("name").values_list("pk", "name", "slug"):
        row = counts.get(pk, {})
        languages = [language.value for language in Language if row.get(f"lang_{language.value}", 0) >= LANGUAGE_MIN]
        regions.append(
            {
                "pk": pk,
                "name": name,
                "slug": slug,
                "count": count_rounded(row.get("active", 0)),
                "language_values": languages,
            }
        )
    total = sum(row["active"] for row in counts.values())
    return {"regions": regions, "total": count_rounded(total), "without_region": None in counts}


def list_overview() -> ListOverview:
    """Every region with its rounded count and its languages: two queries, then none for CACHE_SECONDS."""
    payload = cache.get(CACHE_KEY)
    if payload is None:
        payload = _overview_compute()
        cache.set(CACHE_KEY, payload, CACHE_SECONDS)
    return ListOverview(
        regions=[RegionSummary(**region) for region in payload["regions"]],
        total=payload["total"],
        without_region=payload["without_region"],
    )


def list_overview_refresh() -> None:
    """Compute the counts now and cache them (beat, every REFRESH_SECONDS)."""
    cache.set(CACHE_KEY, _overview_compute(), CACHE_SECONDS)


@shared_task
def list_overview_refresh_task() -> None:
    list_overview_refresh()


def list_overview_forget() -> None:
    """Drop the cached counts (tests, and after loading regions)."""
    cache.delete(CACHE_KEY)


def volunteers_listed(*, region_id: int) -> QuerySet[Volunteer]:
    """Who opted in to be listed in this region and is active now; only the fields the page shows."""
    return (
        volunteers_matchable()
        .filter(listed_publicly=True, postal_code__region_id=region_id)
        # By the area shown (470xx), then name: the full postal code's order would tell more than the page does.
        .order_by(Substr("postal_code_id", 1, 3), "display_name", "pk")
        .only("pk", "display_name", "postal_code_id", "languages")
    )


def volunteer_listed_get(*, region_id: int, volunteer_id: int) -> Volunteer | None:
    """A listed volunteer of this region with what the relay mail needs, or None (also when no longer listed)."""
    return (
        volunteers_listed(region_id=region_id)
        .filter(pk=volunteer_id)
        .select_related("user")
        .only("pk", "display_name", "postal_code_id", "languages", "language", "user__email")
        .first()
    )


def volunteers_listed_page(*, region_id: int, page_number: str | int | None) -> Page:
    """One page of listed volunteers: a count and a page query; unknown page numbers give the last page."""
    return Paginator(volunteers_listed(region_id=region_id), LISTED_PER_PAGE).get_page(page_number)


def initiatives_of_region(*, region_id: int) -> list[Initiative]:
    """Published partner initiatives whose address lies in the region, by name (at most INITIATIVES_MAX)."""
    return list(
        initiatives_published()
        .filter(postal_code__region_id=region_id)
        .order_by("name", "pk")
        .only("pk", "name", "slug", "postal_code_id", "city", "services")[:INITIATIVES_MAX]
    )


def postal_area(code: str) -> str:
    """The coarse area a listed volunteer is shown with: the first three digits ("471xx"), never the full code."""
    return f"{code[:3]}xx"
