"""The planning problem as plain data (no Django), the greedy baseline and the rules every plan must keep.

``matching.planning.solver`` finds the best plan; the service builds the problem from
the database, ``synthetic`` from a synthetic week; the tests check plans with ``plan_check``.
"""

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

KM_SCALE = 10  # distances enter the models in 0.1 km


@dataclass(frozen=True)
class PlanCandidate:
    volunteer_id: int
    km: float


@dataclass(frozen=True)
class PlanRequest:
    id: int
    block_start: int  # any unit (minutes since an epoch); blocks overlap when start < other end
    block_end: int
    soon: int = 0  # ≥ 0, larger for sooner appointments
    candidates: tuple[PlanCandidate, ...] = ()  # best first, as the candidate search ranks them


@dataclass(frozen=True)
class PlanProblem:
    requests: tuple[PlanRequest, ...]
    cap: int = 2
    existing_load: Mapping[int, int] = field(default_factory=dict)  # volunteer -> appointments already held


@dataclass
class Plan:
    pairs: dict[int, int]  # request id -> volunteer id
    method: str  # "cp-sat optimal", "cp-sat feasible", "greedy"
    seconds: float = 0.0
    km: dict[int, float] = field(default_factory=dict)

    @property
    def covered(self) -> int:
        return len(self.pairs)

    @property
    def total_km(self) -> float:
        return sum(self.km.values())

    def max_load(self, problem: PlanProblem) -> int:
        loads = plan_loads(problem, self)
        return max(loads.values(), default=0)


def plan_loads(problem: PlanProblem, plan: Plan) -> dict[int, int]:
    """Appointments per volunteer of the plan in the window, the ones they already held included."""
    loads: dict[int, int] = {}
    for volunteer_id in plan.pairs.values():
        loads[volunteer_id] = loads.get(volunteer_id, problem.existing_load.get(volunteer_id, 0)) + 1
    return loads


def overlaps(a: PlanRequest, b: PlanRequest) -> bool:
    return a.block_start < b.block_end and b.block_start < a.block_end


def room_left(problem: PlanProblem, volunteer_id: int) -> int:
    return problem.cap - problem.existing_load.get(volunteer_id, 0)


def rooms(problem: PlanProblem) -> dict[int, int]:
    """New appointments each candidate may still take."""
    existing = problem.existing_load
    return {
        c.volunteer_id: problem.cap - existing.get(c.volunteer_id, 0) for r in problem.requests for c in r.candidates
    }


def plan_greedy(problem: PlanProblem, *, limit: int | None = None) -> Plan:
    """Each request in appointment order takes its best free candidate (the baseline and the fallback).

    ``limit`` looks only at the first candidates of each request: with the five of
    today's proposals this is what a coordinator working down the list gets.
    """
    started = time.perf_counter()
    taken: dict[int, list[PlanRequest]] = defaultdict(list)
    pairs: dict[int, int] = {}
    km: dict[int, float] = {}
    for request in sorted(problem.requests, key=lambda r: (r.block_start, r.id)):
        for candidate in request.candidates[:limit]:
            volunteer_id = candidate.volunteer_id
            held = taken[volunteer_id]
            if len(held) >= room_left(problem, volunteer_id) or any(overlaps(request, o) for o in held):
                continue
            held.append(request)
            pairs[request.id] = volunteer_id
            km[request.id] = candidate.km
            break
    return Plan(pairs=pairs, method="greedy", seconds=time.perf_counter() - started, km=km)


def plan_check(problem: PlanProblem, plan: Plan) -> list[str]:
    """Every broken rule of a plan, in words (empty when it is valid); the tests rely on it."""
    errors = []
    requests = {r.id: r for r in problem.requests}
    by_volunteer: dict[int, list[PlanRequest]] = defaultdict(list)
    for request_id, volunteer_id in plan.pairs.items():
        request = requests.get(request_id)
        if request is None or volunteer_id not in {c.volunteer_id for c in request.candidates}:
            errors.append(f"request {request_id}: volunteer {volunteer_id} is no candidate")
            continue
        by_volunteer[volunteer_id].append(request)
    for volunteer_id, held in by_volunteer.items():
        if len(held) > room_left(problem, volunteer_id):
            errors.append(f"volunteer {volunteer_id}: over the cap")
        for i, a in enumerate(held):
            errors.extend(f"volunteer {volunteer_id}: {a.id} overlaps {b.id}" for b in held[i + 1 :] if overlaps(a, b))
    return errors


def overlap_cliques(requests: Sequence[PlanRequest]) -> list[list[PlanRequest]]:
    """The maximal sets of mutually overlapping blocks (interval graph: one sweep)."""
    events = sorted(requests, key=lambda r: (r.block_start, r.id))
    cliques: list[list[PlanRequest]] = []
    active: list[PlanRequest] = []
    grew = False
    for request in events:
        still = [a for a in active if a.block_end > request.block_start]
        if len(still) < len(active) and grew and len(active) >= 2:
            cliques.append(active)  # something ended: the set before was maximal
        active = [*still, request]
        grew = True
    if len(active) >= 2:
        cliques.append(active)
    return cliques


def plan_score(problem: PlanProblem, plan: Plan) -> tuple[int, int, int, int]:
    """The lexicographic objective as a tuple (larger is better)."""
    soon = {r.id: r.soon for r in problem.requests}
    loads = plan_loads(problem, plan)
    fairness = sum(load * load - problem.existing_load.get(v, 0) ** 2 for v, load in loads.items())
    km = sum(round(k * KM_SCALE) for k in plan.km.values())
    return plan.covered, sum(soon[r] for r in plan.pairs), -fairness, -km


def coverage_value(problem: PlanProblem, pairs: Mapping[int, int]) -> int:
    big = sum(r.soon for r in problem.requests) + 1
    return sum(big + r.soon for r in problem.requests if r.id in pairs)


def uncovered_reason(problem: PlanProblem, plan: Plan, request: PlanRequest) -> str:
    """Why a request stays uncovered: "none" (nobody in reach and free), "cap" (all at their cap), "busy"."""
    if not request.candidates:
        return "none"
    loads = plan_loads(problem, plan)
    full = all(
        loads.get(c.volunteer_id, problem.existing_load.get(c.volunteer_id, 0)) >= problem.cap
        for c in request.candidates
    )
    return "cap" if full else "busy"
