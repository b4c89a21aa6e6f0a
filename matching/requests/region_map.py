"""The map of Germany with where volunteers live and where requests found nobody, ready for a template.

Two variants: the coordinators' (exact counts, limited to their regions) and the public one (every
count below 5 suppressed, the rest rounded down to a multiple of 5, so nobody can be singled out). Both
are cached: the counts read 1M volunteers and 100k requests, the drawing itself takes ~10 ms.
"""

import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from geo.maps import germany_map_svg, public_count
from geo.selectors import map_geometry_current, prefix2_in_regions, prefix2_region_names_current
from matching.requests.statistics import not_found_by_prefix2
from volunteers.statistics import active_volunteers_by_prefix2

ADMIN_CACHE_SECONDS = 300
PUBLIC_CACHE_SECONDS = 3600
MONTHS = 12


def map_since(months: int = MONTHS) -> datetime.date:
    """The first day of the month ``months - 1`` months ago: the window of "found nobody"."""
    today = timezone.localdate().replace(day=1)
    return (today - datetime.timedelta(days=31 * (months - 1))).replace(day=1)


def region_map(*, region_ids: list[int] | None, public: bool = False, fresh: bool = False) -> dict:
    """{"svg", "rows", "title", ...} for ``geo/region_map.html``; ``region_ids`` None means all of Germany."""
    scope = "all" if region_ids is None else "-".join(str(pk) for pk in sorted(region_ids))
    key = f"region-map:v1:{'public' if public else 'admin'}:{scope}:{get_language()}"
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    built = _build(region_ids=None if public else region_ids, public=public)
    cache.set(key, built, PUBLIC_CACHE_SECONDS if public else ADMIN_CACHE_SECONDS)
    return built


def _build(*, region_ids: list[int] | None, public: bool) -> dict:
    since = map_since()
    volunteers = active_volunteers_by_prefix2(region_ids=region_ids)
    not_found = not_found_by_prefix2(region_ids=region_ids, since=since)
    in_scope = None if region_ids is None else prefix2_in_regions(region_ids)
    if public:
        volunteers = {prefix: public_count(value) for prefix, value in volunteers.items()}
        not_found = {prefix: public_count(value) for prefix, value in not_found.items()}
    geometry = map_geometry_current()
    names = prefix2_region_names_current()
    shown = sorted(set(geometry.runs) if in_scope is None else in_scope & set(geometry.runs))
    title = _("Mitläufer*innen und Anfragen ohne Begleitung nach Postleitzahl-Gebiet")
    description = _(
        "Karte Deutschlands, eingeteilt in die Gebiete der ersten zwei Postleitzahl-Ziffern. Je dunkler ein "
        "Gebiet, desto mehr aktive Mitläufer*innen wohnen dort. Rote Kreise zeigen, wie viele Anfragen seit "
        "%(since)s niemanden gefunden haben: je größer, desto mehr. Die Zahlen stehen in der Tabelle darunter."
    ) % {"since": since.strftime("%m/%Y")}
    value_label = _("Aktive Mitläufer*innen")
    circle_label = _("Anfragen ohne Begleitung")
    svg = germany_map_svg(
        geometry,
        volunteers,
        not_found,
        title=title,
        description=description,
        value_label=value_label,
        circle_label=circle_label,
        in_scope=in_scope,
        public=public,
        labels=not public,
        dom_id="region-map-public" if public else "region-map",
    )
    absent = None if public else 0
    rows = [
        {
            "prefix": prefix,
            "region": names.get(prefix, ""),
            "volunteers": volunteers.get(prefix, absent),
            "not_found": not_found.get(prefix, absent),
        }
        for prefix in shown
    ]
    return {
        "svg": svg,
        "rows": rows,
        "title": title,
        "value_label": value_label,
        "circle_label": circle_label,
        "since": since,
        "public": public,
        "built_at": timezone.now(),
    }
