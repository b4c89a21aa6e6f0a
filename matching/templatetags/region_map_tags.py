"""``{% public_region_map %}``: the map of Germany for the public Mitläuferliste, counts only.

Usage in any template: ``{% load region_map_tags %}{% public_region_map %}``. Counts below 5 are
suppressed, larger ones rounded (``geo.maps.public_count``); the drawing and its table are cached for an
hour per language (``matching.requests.region_map``), so the tag costs one cache read.
"""

from django import template

from matching.requests.region_map import region_map

register = template.Library()


@register.inclusion_tag("geo/region_map.html")
def public_region_map() -> dict:
    return {"region_map": region_map(region_ids=None, public=True)}
