"""The week's assignment as an optimisation problem: plain data in, plain data out, no Django.

Model (one boolean ``x[r, v]`` per request r and candidate volunteer v):

- every request gets at most one volunteer;
- a volunteer's candidate requests whose blocks overlap form cliques (blocks are
  intervals, so the maximal cliques are found by one sweep); at most one per clique;
- a volunteer takes at most ``cap - existing load`` new appointments;
- only candidate pairs exist, so whatever the candidate search left out (declined,
  busy, out of reach) can never be assigned.

Objective, lexicographic, solved in two CP-SAT stages so no coefficient gets huge:

1. maximise ``Σ x · (P + soon_r)`` with ``P > Σ soon_r``: the number of requests
   covered first, and among equal counts the sooner appointments;
2. with stage 1's value held, minimise ``fairness · K + km`` (K > any km total), where
   fairness is the sum over volunteers of their squared load (existing + new), so a
   second appointment for one person costs more than a first for another.

CP-SAT runs with one worker, a fixed seed and a deterministic time limit, so the same
input gives the same plan (a wall-clock limit stays as a safety net). The greedy
baseline (each request in appointment order takes its best free candidate) is the
fallback when CP-SAT finds nothing in time, and the planner returns whichever of the
two is better, so it is never worse than greedy.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from matching.planning.lp import plan_lp_rounded
from matching.planning.problem import (
    KM_SCALE,
    Plan,
    PlanProblem,
    PlanRequest,
    coverage_value,
    overlap_cliques,
    plan_greedy,
    plan_score,
    room_left,
    rooms,
)


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    coverage: cp_model.LinearExpr
    fairness: cp_model.LinearExpr
    km: cp_model.LinearExpr


def _build(problem: PlanProblem) -> _Model:
    model = cp_model.CpModel()
    room = rooms(problem)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    per_volunteer: dict[int, list[PlanRequest]] = defaultdict(list)
    big = sum(r.soon for r in problem.requests) + 1
    coverage_terms, km_terms = [], []
    for request in problem.requests:
        own = []
        for candidate in request.candidates:
            key = (request.id, candidate.volunteer_id)
            if room[candidate.volunteer_id] <= 0 or key in x:
                continue
            x[key] = var = model.new_bool_var("")
            own.append(var)
            per_volunteer[candidate.volunteer_id].append(request)
            coverage_terms.append((var, big + request.soon))
            km_terms.append((var, round(candidate.km * KM_SCALE)))
        if len(own) > 1:
            model.add_at_most_one(own)
    fairness_terms = []
    for volunteer_id, held in per_volunteer.items():
        variables = [x[(r.id, volunteer_id)] for r in held]
        remaining = room[volunteer_id]
        existing = problem.cap - remaining
        if len(variables) > remaining:
            model.add(sum(variables) <= remaining)
        for clique in overlap_cliques(held):
            model.add_at_most_one(x[(r.id, volunteer_id)] for r in clique)
        steps = min(remaining, len(variables))
        if steps <= 1:
            fairness_terms.extend((var, 2 * existing + 1) for var in variables)
            continue
        # Load as ordered unit steps: the k-th appointment costs (existing + k)² − (existing + k − 1)².
        units = [model.new_bool_var("") for _k in range(steps)]
        for earlier, later in zip(units, units[1:], strict=False):
            model.add_implication(later, earlier)
        model.add(sum(units) == sum(variables))
        fairness_terms.extend((unit, 2 * (existing + k) + 1) for k, unit in enumerate(units))
    return _Model(model, x, _weighted(coverage_terms), _weighted(fairness_terms), _weighted(km_terms))


def _weighted(terms: list[tuple[cp_model.IntVar, int]]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.weighted_sum([var for var, _ in terms], [coef for _, coef in terms])


def _solver(*, seed: int, deterministic_seconds: float, wall_seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = deterministic_seconds
    solver.parameters.max_time_in_seconds = wall_seconds
    # The candidate lists of one office are alike, so the symmetry search is large and pays nothing here.
    solver.parameters.symmetry_level = 0
    return solver


def _hint(built: _Model, plan: Plan) -> None:
    built.model.clear_hints()
    for (request_id, volunteer_id), var in built.x.items():
        built.model.add_hint(var, plan.pairs.get(request_id) == volunteer_id)


def _read(built: _Model, solver: cp_model.CpSolver) -> dict[int, int]:
    return {request_id: volunteer_id for (request_id, volunteer_id), var in built.x.items() if solver.value(var)}


def _stage_coverage(built: _Model, problem: PlanProblem, greedy: Plan, *, seed: int, seconds: float):
    """Stage 1: the most requests (sooner first). Returns the pairs and whether they are proven optimal."""
    if greedy.covered == sum(1 for r in problem.requests if r.candidates):
        return greedy.pairs, True  # everyone who has a candidate is covered: nothing to gain
    rounded = plan_lp_rounded(problem)
    start = rounded if plan_score(problem, rounded) > plan_score(problem, greedy) else greedy
    _hint(built, start)
    built.model.maximize(built.coverage)
    solver = _solver(seed=seed, deterministic_seconds=seconds, wall_seconds=seconds * 2)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start.pairs, False
    found = _read(built, solver)
    if coverage_value(problem, found) < coverage_value(problem, start.pairs):
        return start.pairs, False  # CP-SAT may drop a hint it could not complete in time
    return found, status == cp_model.OPTIMAL


def plan_components(problem: PlanProblem) -> list[PlanProblem]:
    """Independent parts: requests linked by a shared volunteer (with room left) end up in one part."""
    parent = list(range(len(problem.requests)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_request: dict[int, int] = {}
    for index, request in enumerate(problem.requests):
        for candidate in request.candidates:
            if room_left(problem, candidate.volunteer_id) <= 0:
                continue
            other = first_request.setdefault(candidate.volunteer_id, index)
            parent[root(other)] = root(index)
    groups: dict[int, list[PlanRequest]] = defaultdict(list)
    for index, request in enumerate(problem.requests):
        groups[root(index)].append(request)
    return [
        PlanProblem(requests=tuple(group), cap=problem.cap, existing_load=problem.existing_load)
        for group in groups.values()
    ]


BATCH_REQUESTS = 200


def _batches(parts: list[PlanProblem]) -> list[PlanProblem]:
    """Small independent parts solved together: one CP-SAT call has a fixed cost, and its presolve splits them again."""
    batches: list[PlanProblem] = []
    pending: list[PlanRequest] = []
    for part in sorted(parts, key=lambda p: (len(p.requests), p.requests[0].id)):
        if len(part.requests) == 1:
            batches.append(part)
            continue
        pending.extend(part.requests)
        if len(pending) >= BATCH_REQUESTS:
            batches.append(replace(part, requests=tuple(pending)))
            pending = []
    if pending:
        batches.append(PlanProblem(requests=tuple(pending), cap=parts[0].cap, existing_load=parts[0].existing_load))
    return batches


def _single(problem: PlanProblem) -> dict[int, int]:
    """One request alone: the candidate with the least load, then the nearest."""
    (request,) = problem.requests
    free = [c for c in request.candidates if room_left(problem, c.volunteer_id) > 0]
    if not free:
        return {}
    best = min(free, key=lambda c: (problem.existing_load.get(c.volunteer_id, 0), round(c.km * KM_SCALE)))
    return {request.id: best.volunteer_id}


def _solve_part(problem: PlanProblem, greedy: Plan, *, seconds: float, seed: int) -> tuple[dict[int, int], bool]:
    if len(problem.requests) == 1:
        return _single(problem), True
    built = _build(problem)
    first, optimal = _stage_coverage(built, problem, greedy, seed=seed, seconds=seconds * 0.6)
    built.model.add(built.coverage >= coverage_value(problem, first))
    # The fairness weight exceeds any possible km total, so km only breaks ties of fairness.
    km_bound = sum(max((round(c.km * KM_SCALE) for c in r.candidates), default=0) for r in problem.requests) + 1
    built.model.minimize(built.fairness * km_bound + built.km)
    _hint(built, Plan(pairs=first, method=""))
    budget = seconds * (1.0 if first is greedy.pairs else 0.4)
    solver = _solver(seed=seed, deterministic_seconds=budget, wall_seconds=budget * 2)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return first, False
    return _read(built, solver), optimal and status == cp_model.OPTIMAL


def plan_solve(problem: PlanProblem, *, seconds: float = 3.0, seed: int = 1) -> Plan:
    """The best plan CP-SAT finds within the limits; never worse than the greedy baseline.

    The problem splits into independent parts (requests that share no volunteer);
    each part gets a share of ``seconds`` by its size. ``seconds`` is CP-SAT's
    deterministic time (reproducible); the wall-clock limit is twice that, a safety net.
    """
    started = time.perf_counter()
    greedy = plan_greedy(problem)
    parts = _batches([part for part in plan_components(problem) if any(r.candidates for r in part.requests)])
    total = sum(len(part.requests) for part in parts) or 1
    pairs: dict[int, int] = {}
    all_optimal = True
    for part in parts:
        ids = {r.id for r in part.requests}
        part_greedy = Plan(pairs={r: v for r, v in greedy.pairs.items() if r in ids}, method="greedy")
        found, optimal = _solve_part(part, part_greedy, seconds=seconds * len(part.requests) / total, seed=seed)
        pairs.update(found)
        all_optimal = all_optimal and optimal
    km = {r.id: c.km for r in problem.requests for c in r.candidates if pairs.get(r.id) == c.volunteer_id}
    plan = Plan(pairs=pairs, method="cp-sat optimal" if all_optimal else "cp-sat feasible", km=km)
    if plan_score(problem, greedy) > plan_score(problem, plan):
        plan = greedy  # the documented fallback: CP-SAT found nothing better in its time
    plan.seconds = time.perf_counter() - started
    return plan
