"""A map of Germany drawn on the server as SVG, from the postal-code centroids alone.

No tile server and no border file: the ~8,200 centroids are projected onto a grid of square cells
(``CELL_KM`` wide); each cell within ``REACH_KM`` of a centroid takes that centroid's two-digit postal
region, so the cells together form Germany and its 95 two-digit regions. Each region is drawn as one
path of row runs, shaded by a count (volunteers living there), and a red circle whose *area* grows with a
second count (requests that found nobody) sits on the region's centre. A shaded region with a big circle
is where help is missing; a choropleth plus circles stays legible at 360 px and in black-and-white print
(the classes are light-to-dark, the circles outlined).

Pure Python apart from gettext and escaping: the counts come in as dictionaries, the geometry from
``(code, latitude, longitude)`` tuples, computed once per process (``map_geometry``).
"""

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

CELL_KM = 7.0
REACH_KM = 13.0
KM_PER_DEGREE = 111.2
# Germany's middle latitude: east-west distances shrink by its cosine (an equirectangular projection,
# exact enough for a country 8 degrees tall).
MID_LATITUDE = 51.2
LEGEND_HEIGHT = 38  # cells below the map for the legend
MIN_WIDTH = 64  # cells: a cropped map (one region) still has room for its legend
# Sequential blues (ColorBrewer "Blues", readable for colour-blind people), lightest for the fewest.
CLASS_COLOURS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY_COLOUR = "#f2f2f2"  # nobody there
SUPPRESSED_COLOUR = "#d9d9d9"  # fewer than the public threshold
OUT_OF_SCOPE_COLOUR = "#ffffff"  # outside a regional coordinator's regions
CIRCLE_COLOUR = "#d7301f"
PUBLIC_THRESHOLD = 5


@dataclass(frozen=True)
class MapGeometry:
    width: int
    height: int
    # prefix2 -> list of (x, y, run length) in cells
    runs: dict[str, list[tuple[int, int, int]]]
    # prefix2 -> centre (x, y) in cells
    centres: dict[str, tuple[float, float]]
    # The lines between regions and around the country, as one SVG path (drawn once per geometry).
    borders: str = ""


# The postal codes change once a year at most; a few cached geometries per process are plenty.
_geometry_cache: dict[tuple, MapGeometry] = {}


def _project(latitude: float, longitude: float, origin: tuple[float, float]) -> tuple[float, float]:
    """Kilometres east and south of the north-west corner ``origin`` (max latitude, min longitude)."""
    top, left = origin
    x = (longitude - left) * KM_PER_DEGREE * math.cos(math.radians(MID_LATITUDE))
    y = (top - latitude) * KM_PER_DEGREE
    return x, y


def map_geometry_cached(key: tuple, load: Callable[[], Iterable[tuple[str, float, float]]]) -> MapGeometry:
    """The geometry for ``key`` (a fingerprint of the postal codes), computed by ``load`` once per process."""
    cached = _geometry_cache.get(key)
    if cached is None:
        cached = _geometry_cache[key] = map_geometry(load())
    return cached


def map_geometry(points: Iterable[tuple[str, float, float]]) -> MapGeometry:
    """The cells of every two-digit postal region, from (code, latitude, longitude) centroids (~0.4 s)."""
    points = list(points)
    if not points:
        return MapGeometry(width=MIN_WIDTH, height=MIN_WIDTH, runs={}, centres={})
    origin = (max(p[1] for p in points) + 0.1, min(p[2] for p in points) - 0.15)
    projected = [(code[:2], *_project(lat, lon, origin)) for code, lat, lon in points]
    width = math.ceil(max(x for _p, x, _y in projected) / CELL_KM) + 2
    height = math.ceil(max(y for _p, _x, y in projected) / CELL_KM) + 2
    # A bucket per cell, so each cell looks only at the centroids around it.
    buckets: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
    for prefix, x, y in projected:
        buckets[int(x // CELL_KM), int(y // CELL_KM)].append((prefix, x, y))
    reach = math.ceil(REACH_KM / CELL_KM)
    owner: dict[tuple[int, int], str] = {}
    for row in range(height):
        for col in range(width):
            cx, cy = (col + 0.5) * CELL_KM, (row + 0.5) * CELL_KM
            best, best_distance = None, REACH_KM**2
            for dx in range(-reach, reach + 1):
                for dy in range(-reach, reach + 1):
                    for prefix, x, y in buckets.get((col + dx, row + dy), ()):
                        distance = (x - cx) ** 2 + (y - cy) ** 2
                        if distance < best_distance:
                            best, best_distance = prefix, distance
            if best is not None:
                owner[col, row] = best
    runs: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for row in range(height):
        col = 0
        while col < width:
            prefix = owner.get((col, row))
            if prefix is None:
                col += 1
                continue
            start = col
            while owner.get((col, row)) == prefix:
                col += 1
            runs[prefix].append((start, row, col - start))
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for prefix, x, y in projected:
        total = sums[prefix]
        total[0] += x / CELL_KM
        total[1] += y / CELL_KM
        total[2] += 1
    centres = {prefix: (sx / n, sy / n) for prefix, (sx, sy, n) in sums.items()}
    return MapGeometry(width=width, height=height, runs=dict(runs), centres=centres, borders=_region_borders(runs))


def public_count(value: int | None) -> int | None:
    """A count safe to publish: None (shown as "fewer than 5") below 5, else rounded to the nearest 5 (10 from 100).

    The one rule for every public figure (the Mitläuferliste's counts use it too), so the list and the map
    never disagree about the same people.
    """
    if value is None or value < PUBLIC_THRESHOLD:
        return None
    step = 5 if value < 100 else 10
    return max(PUBLIC_THRESHOLD, (value + step // 2) // step * step)


def class_breaks(values: Iterable[int], classes: int = len(CLASS_COLOURS), *, lowest: int = 1) -> list[int]:
    """Upper bounds of the shading classes: round numbers that split the largest count into doublings.

    ``lowest`` is the smallest value that can occur (5 on the public map, where smaller counts are
    suppressed): no class below it, so the legend never offers "1" to "4" for figures that cannot exist.
    """
    largest = max((value for value in values if value), default=0)
    if largest <= classes:
        return [upper for upper in range(1, classes + 1) if upper >= lowest] or [lowest]
    breaks = []
    for step in range(classes - 1, -1, -1):
        raw = largest / 2**step
        magnitude = 10 ** max(0, int(math.log10(raw)))
        nice = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        breaks.append(int(nice))
    breaks[-1] = max(breaks[-1], largest)
    return sorted({upper for upper in breaks if upper >= lowest} or {max(lowest, largest)})


def _colour(value: int | None, breaks: list[int], *, suppressed: bool) -> str:
    if suppressed:
        return SUPPRESSED_COLOUR
    if not value:
        return EMPTY_COLOUR
    for index, upper in enumerate(breaks):
        if value <= upper:
            return CLASS_COLOURS[index + len(CLASS_COLOURS) - len(breaks)]
    return CLASS_COLOURS[-1]


def _radius(value: int, largest: int) -> float:
    """Circle radius in cells: area in proportion to the count, the largest 4.5 cells across."""
    return max(0.8, 4.5 * math.sqrt(value / largest)) if largest else 0.0


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def germany_map_svg(
    geometry: MapGeometry,
    values_by_prefix2: dict[str, int | None],
    circles_by_prefix2: dict[str, int | None] | None = None,
    *,
    title: str,
    description: str,
    value_label: str,
    circle_label: str = "",
    in_scope: set[str] | None = None,
    public: bool = False,
    labels: bool = True,
    dom_id: str = "region-map",
) -> SafeString:
    """The map as inline SVG markup.

    ``values_by_prefix2`` shades the regions; ``circles_by_prefix2`` draws circles. A value of None means
    "fewer than 5" (the public variant, already passed through ``public_count``). ``in_scope`` limits the
    drawing to a coordinator's two-digit regions: the others stay white, and the view is cropped to them.
    """
    circles = circles_by_prefix2 or {}
    visible = set(geometry.runs) if in_scope is None else set(geometry.runs) & in_scope
    breaks = class_breaks(
        (value for prefix, value in values_by_prefix2.items() if prefix in visible and value),
        lowest=PUBLIC_THRESHOLD if public else 1,
    )
    left, top, right, bottom = _view_box(geometry, visible)
    scale = min(1.0, (right - left) / max(geometry.width, MIN_WIDTH))
    view_box = f"{left} {top} {right - left} {_n(bottom - top + LEGEND_HEIGHT * scale)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="germany-map" role="img" '
        f'aria-labelledby="{dom_id}-title {dom_id}-desc" viewBox="{view_box}" '
        f'preserveAspectRatio="xMidYMin meet">',
        f'<title id="{dom_id}-title">{escape(title)}</title>',
        f'<desc id="{dom_id}-desc">{escape(description)}</desc>',
        '<g shape-rendering="crispEdges" stroke-width="0.15">',
    ]
    for prefix in sorted(geometry.runs):
        value = values_by_prefix2.get(prefix)
        if prefix not in visible:
            colour = OUT_OF_SCOPE_COLOUR
        else:
            colour = _colour(value, breaks, suppressed=public and value is None)
        path = "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in geometry.runs[prefix])
        parts.append(f'<path d="{path}" fill="{colour}" stroke="{colour}" data-prefix="{escape(prefix)}"/>')
    parts.append("</g>")
    parts.append(geometry.borders)
    largest_circle = max((value or 0 for prefix, value in circles.items() if prefix in visible), default=0)
    for prefix in sorted(visible):
        value = circles.get(prefix)
        if not value or prefix not in geometry.centres:
            continue
        x, y = geometry.centres[prefix]
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(_radius(value, largest_circle))}" fill="{CIRCLE_COLOUR}" '
            f'fill-opacity="0.55" stroke="#67000d" stroke-width="0.25"/>'
        )
    if labels:
        parts.append(
            '<g font-family="sans-serif" font-size="2.1" fill="#222" text-anchor="middle" '
            'stroke="#fff" stroke-width="0.5" paint-order="stroke">'
        )
        for prefix in sorted(visible):
            if prefix in geometry.centres:
                x, y = geometry.centres[prefix]
                parts.append(f'<text x="{_n(x)}" y="{_n(y + 0.7)}">{escape(prefix)}</text>')
        parts.append("</g>")
    legend_labels = (value_label, circle_label)
    parts.append(_legend(breaks, largest_circle, (left, bottom, scale), legend_labels, public=public))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (built from numbers and escaped labels only)


def _view_box(geometry: MapGeometry, visible: set[str]) -> tuple[int, int, int, int]:
    cells = [(x, y, n) for prefix in visible for x, y, n in geometry.runs.get(prefix, ())]
    if not cells or visible == set(geometry.runs):
        return 0, 0, max(geometry.width, MIN_WIDTH), geometry.height
    left = min(x for x, _y, _n in cells) - 2
    right = max(x + n for x, _y, n in cells) + 2
    top = min(y for _x, y, _n in cells) - 2
    bottom = max(y for _x, y, _n in cells) + 3
    if right - left < MIN_WIDTH:
        grow = MIN_WIDTH - (right - left)
        left, right = left - grow // 2, right + grow - grow // 2
    if bottom - top < MIN_WIDTH // 2:
        grow = MIN_WIDTH // 2 - (bottom - top)
        top, bottom = top - grow // 2, bottom + grow - grow // 2
    return left, top, right, bottom


def _region_borders(runs: dict[str, list[tuple[int, int, int]]]) -> str:
    """Thin lines where two regions' cells meet (and around the country), so each region reads as a shape."""
    owner = {(x + i, y): prefix for prefix, prefix_runs in runs.items() for x, y, n in prefix_runs for i in range(n)}
    segments = []
    for (x, y), prefix in owner.items():
        if owner.get((x + 1, y)) != prefix:
            segments.append(f"M{x + 1} {y}v1")
        if owner.get((x, y + 1)) != prefix:
            segments.append(f"M{x} {y + 1}h1")
        if (x - 1, y) not in owner:
            segments.append(f"M{x} {y}v1")
        if (x, y - 1) not in owner:
            segments.append(f"M{x} {y}h1")
    return (
        f'<path d="{"".join(segments)}" fill="none" stroke="#555" stroke-width="0.25" '
        f'stroke-linecap="square" shape-rendering="crispEdges"/>'
    )


def _legend(
    breaks: list[int], largest_circle: int, origin: tuple[int, int, float], labels: tuple[str, str], *, public: bool
) -> str:
    """Colour classes and sample circles below the map, scaled down with a cropped (regional) view."""
    left, bottom, scale = origin
    value_label, circle_label = labels
    parts = [
        f'<g class="legend" font-family="sans-serif" font-size="3" fill="#222" '
        f'transform="translate({left} {bottom}) scale({_n(scale)})">'
    ]
    y = 4
    parts.append(f'<text x="2" y="{y}" font-weight="bold">{escape(value_label)}</text>')
    # Publicly, none and a few look the same (both below the threshold).
    if public:
        entries = [(SUPPRESSED_COLOUR, _("weniger als %(n)s") % {"n": PUBLIC_THRESHOLD})]
    else:
        entries = [(EMPTY_COLOUR, _("niemand"))]
    lower = 1 if not public else PUBLIC_THRESHOLD
    offset = len(CLASS_COLOURS) - len(breaks)
    for index, upper in enumerate(breaks):
        label = str(upper) if upper <= lower else f"{lower}–{upper}"
        entries.append((CLASS_COLOURS[index + offset], label))
        lower = upper + 1
    for index, (colour, label) in enumerate(entries):
        column, row = index % 3, index // 3
        ex, ey = 2 + column * 28, y + 2 + row * 5.5
        parts.append(
            f'<rect x="{ex}" y="{_n(ey)}" width="4" height="3" fill="{colour}" stroke="#555" stroke-width="0.2"/>'
            f'<text x="{ex + 5}" y="{_n(ey + 2.7)}">{escape(label)}</text>'
        )
    if circle_label:
        cy = y + 5 + ((len(entries) + 2) // 3) * 5.5
        parts.append(f'<text x="2" y="{_n(cy)}" font-weight="bold">{escape(circle_label)}</text>')
        if largest_circle:
            samples = sorted({largest_circle, max(1, largest_circle // 4)}) if largest_circle > 1 else [1]
            cx = 4.0
            for value in samples:
                radius = _radius(value, largest_circle)
                parts.append(
                    f'<circle cx="{_n(cx + radius)}" cy="{_n(cy + 3 + radius)}" r="{_n(radius)}" '
                    f'fill="{CIRCLE_COLOUR}" fill-opacity="0.55" stroke="#67000d" stroke-width="0.25"/>'
                    f'<text x="{_n(cx + 2 * radius + 1.5)}" y="{_n(cy + 4 + radius)}">{value}</text>'
                )
                cx += 2 * radius + 12
        else:
            parts.append(f'<text x="2" y="{_n(cy + 4)}">{escape(_("keine"))}</text>')
    parts.append("</g>")
    return "".join(parts)


def prefix2_region_names(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """prefix2 -> the region most of its postal codes belong to, from (code, region name) pairs."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for code, name in pairs:
        votes[code[:2]][name] += 1
    return {prefix: counter.most_common(1)[0][0] for prefix, counter in votes.items()}
