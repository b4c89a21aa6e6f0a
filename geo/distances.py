"""Distances between postal-code centroids.

The matching index (see ``matching``) stores, per office, the distance to every
postal code within the largest travel radius. Computing it for all ~8,200 codes
with geopy's exact geodesic is slow, so a cheap vectorised-in-spirit prefilter
(bounding box, then haversine with a safety margin) picks the candidates and
geopy measures only the survivors.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from geopy.distance import geodesic

EARTH_RADIUS_KM = 6371.0088
# Haversine on a sphere and the geodesic on the WGS84 ellipsoid differ by
# less than 0.5 %; this margin keeps the prefilter from dropping a true hit.
PREFILTER_MARGIN = 1.01


@dataclass(frozen=True)
class Point:
    code: str
    latitude: float
    longitude: float


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The exact distance in km between two (latitude, longitude) pairs."""
    return geodesic(a, b).km


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def points_within(origin: tuple[float, float], points: Iterable[Point], radius_km: float) -> list[tuple[Point, float]]:
    """All points within ``radius_km`` of ``origin`` with their exact distance, nearest first."""
    lat, lon = origin
    dlat = math.degrees(radius_km * PREFILTER_MARGIN / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = dlat / cos_lat
    hits = []
    for point in points:
        if abs(point.latitude - lat) > dlat or abs(point.longitude - lon) > dlon:
            continue
        if haversine_km(origin, (point.latitude, point.longitude)) > radius_km * PREFILTER_MARGIN:
            continue
        km = geodesic_km(origin, (point.latitude, point.longitude))
        if km <= radius_km:
            hits.append((point, km))
    hits.sort(key=lambda hit: (hit[1], hit[0].code))
    return hits
