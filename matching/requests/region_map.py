"""The map of Germany with where volunteers live and where requests found nobody, ready for a template.

Two variants: the coordinators' (exact counts, limited to their regions) and the public one (every
count below 5 suppressed, the rest rounded like the public list's counts, so nobody can be singled out). The
counts come from the cached national snapshot (``matching.requests.statistics``), cut to a scope here
in Python; the drawing (~10 ms) is cached per scope and language until the snapshot changes.
"""

from collections import Counter

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from geo.maps import germany_map_svg, public_count
from geo.selectors import map_geometry_current, prefix2_region_names_current
from matching.requests.statistics import SNAPSHOT_SECONDS, statistics_snapshot, statistics_snapshot_built_at


def _by_prefix2(counts: dict[str, int], region_by_code: dict[str, int], region_ids: list[int] | None) -> dict:
    summed: Counter[str] = Counter()
    for code, total in counts.items():
        if region_ids is None or region_by_code.get(code) in region_ids:
            summed[code[:2]] += total
    return dict(summed)


def region_map(*, region_ids: list[int] | None, public: bool = False, fresh: bool = False) -> dict:
    """{"svg", "rows", "title", ...} for ``geo/region_map.html``; ``region_ids`` None means all of Germany."""
    built_at = statistics_snapshot(fresh=True)["built_at"] if fresh else statistics_snapshot_built_at()
    if public:
        region_ids = None
    scope = "all" if region_ids is None else "-".join(str(pk) for pk in sorted(region_ids))
    variant = "public" if public else "admin"
    key = f"region-map:v1:{variant}:{scope}:{get_language()}:{built_at.timestamp()}"
    cached = cache.get(key)
    if cached is None:
        cached = region_map_build(statistics_snapshot(), region_ids=region_ids, public=public)
        cache.set(key, cached, SNAPSHOT_SECONDS)
    return cached


def region_map_build(snapshot: dict, *, region_ids: list[int] | None, public: bool) -> dict:
    region_by_code = snapshot["region_by_code"]
    volunteers = _by_prefix2(snapshot["volunteers_by_code"], region_by_code, region_ids)
    not_found = _by_prefix2(snapshot["not_found_by_code"], region_by_code, region_ids)
    in_scope = None
    if region_ids is not None:
        in_scope = {code[:2] for code, region in region_by_code.items() if region in region_ids}
    if public:
        volunteers = {prefix: public_count(value) for prefix, value in volunteers.items()}
        not_found = {prefix: public_count(value) for prefix, value in not_found.items()}
    geometry = map_geometry_current()
    names = prefix2_region_names_current()
    shown = sorted(set(geometry.runs) if in_scope is None else in_scope & set(geometry.runs))
    since = snapshot["since"]
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
        "built_at": snapshot["built_at"],
    }
