"""The map drawing itself (geo.maps): geometry from centroids, classes, suppression, cropping, escaping."""

import xml.etree.ElementTree as ET

import pytest

from geo.maps import CLASS_COLOURS, OUT_OF_SCOPE_COLOUR, class_breaks, germany_map_svg, map_geometry, public_count

SVG = "{http://www.w3.org/2000/svg}"
# Two small clusters of made-up postal codes 100 km apart: "10" in the north-east, "47" in the west.
POINTS = [("10115", 52.53, 13.38), ("10117", 52.51, 13.39), ("10243", 52.50, 13.44)] + [
    ("47051", 51.43, 6.76),
    ("47057", 51.42, 6.78),
    ("47166", 51.49, 6.77),
]


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314  (our own markup, parsed to prove it is well-formed)


@pytest.mark.parametrize(
    ("raw", "published"),
    [(0, None), (4, None), (5, 5), (7, 5), (9, 10), (12, 10), (98, 100), (1234, 1230), (1235, 1240)],
)
def test_public_counts_hide_small_numbers_and_round_the_rest(raw, published):
    assert public_count(raw) == published


def test_class_breaks_are_round_and_cover_the_largest_value():
    breaks = class_breaks([3, 40, 870])
    assert breaks[-1] >= 870
    assert breaks == sorted(breaks)
    assert all(str(value)[0] in "125" for value in breaks[:-1])
    assert class_breaks([1, 2]) == [1, 2, 3, 4, 5]


def test_each_two_digit_region_gets_cells_and_a_centre():
    geometry = map_geometry(POINTS)
    assert set(geometry.runs) == {"10", "47"}
    x10, _ = geometry.centres["10"]
    x47, _ = geometry.centres["47"]
    assert x47 < x10  # the west is on the left


def test_the_svg_is_well_formed_escaped_and_cropped_to_the_scope():
    geometry = map_geometry(POINTS)
    markup = germany_map_svg(
        geometry,
        {"10": 3, "47": 900},
        {"47": 12},
        title="Karte <&>",
        description="Beschreibung",
        value_label="Mitläufer*innen",
        circle_label="niemand gefunden",
        in_scope={"47"},
    )
    svg = _parse(markup)
    assert svg.find(f"{SVG}title").text == "Karte <&>"
    shapes = {path.get("data-prefix"): path.get("fill") for path in svg.iter(f"{SVG}path") if path.get("data-prefix")}
    assert shapes["10"] == OUT_OF_SCOPE_COLOUR
    assert shapes["47"] == CLASS_COLOURS[-1]
    assert len(svg.findall(f"{SVG}circle")) == 1  # on the map; the legend's samples sit in their group
    assert [text.text for text in svg.iter(f"{SVG}text") if text.text in ("10", "47")] == ["47"]


def test_the_public_legend_has_no_classes_below_the_suppression_threshold():
    assert class_breaks([5], lowest=5) == [5]
    assert class_breaks([5, 10], lowest=5) == [5, 10]
    assert all(upper >= 5 for upper in class_breaks([5, 40, 870], lowest=5))
    assert class_breaks([5]) == [1, 2, 3, 4, 5]  # the coordinators' exact map keeps its fine classes
