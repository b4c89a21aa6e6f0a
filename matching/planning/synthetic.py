"""Synthetic weeks over the real postal codes, built in memory, for ``bench_planning``.

No database rows: volunteers and requests are numpy arrays over the postal-code
centroids, and the candidates of each request come from the same rule as the
SQL search (``matching.engine.search``): walk the office's postal codes in km order,
keep volunteers whose radius covers ``ceil(km)``, who have the appointment's
weekday and part of the day, and who are matchable this week (not paused, absent,
unverified), nearest first, then by id; stop after N. Building the instance in
memory keeps a 100,000-volunteer week at a few seconds instead of minutes of
inserts; the SQL search itself is benchmarked by ``bench_matching``.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.planning.problem import PlanCandidate, PlanProblem, PlanRequest

EARTH_RADIUS_KM = 6371.0088
RADIUS_MAX_KM = 100
RADII = np.array([5, 10, 10, 15, 15, 15, 20, 20, 25, 30, 50, 100])
GRID_CELLS = 18  # 6 weekdays × 3 parts of the day, as volunteers.choices
DAY_PART_ENDS = (12, 16, 20)


@dataclass(frozen=True)
class Scenario:
    name: str
    requests: int = 1000
    volunteers: int = 100_000
    offices: int = 400
    days: int = 6  # Monday … the days used
    first_hour: int = 8
    last_hour: int = 18  # last start
    cells: tuple[int, int] = (2, 9)  # how many cells of the weekly grid a volunteer ticks
    matchable_share: float = 0.9
    holding_share: float = 0.1  # volunteers who already hold one appointment this week
    office_focus: float = 1.0  # >1 puts offices into the densest postal codes even more


# Scarce: requests bunch in 30 city offices on two days, and few volunteers are free this week
# (a fifth matchable, one or two cells of the grid each): lists run short and overlap.
SCARCE = Scenario(
    "scarce", offices=30, days=2, first_hour=8, last_hour=11, cells=(1, 2), matchable_share=0.2,
    holding_share=0.3,
)  # fmt: skip
RELAXED = Scenario("relaxed")
SCENARIOS = {scenario.name: scenario for scenario in (SCARCE, RELAXED)}


@dataclass
class Week:
    problem: PlanProblem
    office_of_request: np.ndarray
    volunteers: int


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2, lon2 = np.radians(lats), np.radians(lons)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def density_weights(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Codes per ~10 km cell as a proxy for population (as bench_matching): cities weigh ~12× more."""
    keys = (lats * 10).astype(int) * 10_000 + (lons * 6).astype(int)
    _unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return counts[inverse].astype(float)


class _Volunteers:
    """Volunteers sorted by (postal code, id), so one code's volunteers are one slice."""

    def __init__(self, rng: np.random.Generator, scenario: Scenario, weights: np.ndarray):
        n = scenario.volunteers
        code = rng.choice(len(weights), size=n, p=weights / weights.sum())
        self.order = np.lexsort((np.arange(n), code))
        self.code = code[self.order]
        self.radius = rng.choice(RADII, size=n)[self.order]
        masks = np.zeros(n, dtype=np.int64)
        ticks = rng.integers(scenario.cells[0], scenario.cells[1] + 1, size=n)
        for cell in range(GRID_CELLS):
            # Each volunteer ticks about `ticks` of the 18 cells.
            masks |= (rng.random(n) < ticks / GRID_CELLS).astype(np.int64) << cell
        self.availability = masks[self.order]
        self.matchable = (rng.random(n) < scenario.matchable_share)[self.order]
        self.holding = (rng.random(n) < scenario.holding_share)[self.order]
        self.ids = self.order + 1
        self.starts = np.searchsorted(self.code, np.arange(len(weights) + 1))


def _office_pool(volunteers: _Volunteers, lats, lons, office_code: int) -> tuple[np.ndarray, np.ndarray]:
    """Indexes and km of every matchable volunteer whose radius covers the office, nearest first."""
    km = _haversine(lats[office_code], lons[office_code], lats, lons)
    near = np.flatnonzero(km <= RADIUS_MAX_KM)
    near = near[np.lexsort((near, km[near]))]
    slices = [np.arange(volunteers.starts[c], volunteers.starts[c + 1]) for c in near]
    index = np.concatenate(slices) if slices else np.array([], dtype=int)
    distance = np.repeat(km[near], [len(s) for s in slices])
    keep = volunteers.matchable[index] & (volunteers.radius[index] >= np.ceil(distance))
    return index[keep], distance[keep]


def _slot_bit(day: int, hour: int) -> int:
    part = next((p for p, end in enumerate(DAY_PART_ENDS) if hour < end), 2)
    return 1 << (day * 3 + part)


def synthetic_week(
    codes: Sequence[tuple[str, float, float]], scenario: Scenario, *, seed: int, candidates: int
) -> Week:
    """A planning problem for one synthetic week (``codes``: postal code, latitude, longitude)."""
    rng = np.random.default_rng(seed)
    lats = np.array([c[1] for c in codes])
    lons = np.array([c[2] for c in codes])
    weights = density_weights(lats, lons)
    volunteers = _Volunteers(rng, scenario, weights)
    office_weights = weights**scenario.office_focus
    offices = rng.choice(len(codes), size=scenario.offices, replace=False, p=office_weights / office_weights.sum())
    office_of_request = rng.integers(0, scenario.offices, size=scenario.requests)
    days = rng.integers(0, scenario.days, size=scenario.requests)
    minutes = rng.integers(scenario.first_hour * 4, scenario.last_hour * 4 + 1, size=scenario.requests) * 15
    durations = rng.choice([60, 60, 90, 120], size=scenario.requests)
    requests: list[PlanRequest] = []
    for office in np.unique(office_of_request):
        index, km = _office_pool(volunteers, lats, lons, offices[office])
        for number in np.flatnonzero(office_of_request == office):
            day, minute = int(days[number]), int(minutes[number])
            fits = np.flatnonzero(volunteers.availability[index] & _slot_bit(day, minute // 60))[:candidates]
            start = day * 1440 + minute - 30  # the block: half the 60-minute buffer on each side
            requests.append(
                PlanRequest(
                    id=int(number) + 1,
                    block_start=start,
                    block_end=start + int(durations[number]) + 60,
                    soon=scenario.days - day,
                    candidates=tuple(
                        PlanCandidate(volunteer_id=int(volunteers.ids[index[i]]), km=round(float(km[i]), 1))
                        for i in fits
                    ),
                )
            )
    requests.sort(key=lambda r: r.id)
    holding = {int(v): 1 for v in volunteers.ids[volunteers.holding]}
    problem = PlanProblem(requests=tuple(requests), cap=2, existing_load=holding)
    return Week(problem=problem, office_of_request=office_of_request, volunteers=scenario.volunteers)
