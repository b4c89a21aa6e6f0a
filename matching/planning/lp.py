"""The LP relaxation of the plan (GLOP): the upper bound on requests covered, and a rounded start for CP-SAT."""

from collections import defaultdict

from matching.planning.problem import (
    Plan,
    PlanProblem,
    PlanRequest,
    overlap_cliques,
    overlaps,
    room_left,
    rooms,
)


def _lp(problem: PlanProblem, *, weighted: bool) -> tuple[float, dict[tuple[int, int], float]]:
    """The LP relaxation (x in [0, 1], same constraints) solved with GLOP: its value and x."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    room = rooms(problem)
    big = sum(r.soon for r in problem.requests) + 1
    x = {}
    per_volunteer: dict[int, list[PlanRequest]] = defaultdict(list)
    objective = solver.Objective()
    for request in problem.requests:
        row = solver.Constraint(0, 1)
        for candidate in request.candidates:
            key = (request.id, candidate.volunteer_id)
            if room[candidate.volunteer_id] <= 0 or key in x:
                continue
            x[key] = var = solver.NumVar(0, 1, "")
            row.SetCoefficient(var, 1)
            objective.SetCoefficient(var, big + request.soon if weighted else 1)
            per_volunteer[candidate.volunteer_id].append(request)
    for volunteer_id, held in per_volunteer.items():
        rows = [(solver.Constraint(0, room[volunteer_id]), held)]
        rows += [(solver.Constraint(0, 1), clique) for clique in overlap_cliques(held)]
        for row, members in rows:
            for request in members:
                row.SetCoefficient(x[(request.id, volunteer_id)], 1)
    objective.SetMaximization()
    if not x or solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return 0.0, {}
    return objective.Value(), {key: var.solution_value() for key, var in x.items()}


def coverage_upper_bound(problem: PlanProblem) -> float:
    """No plan covers more requests than this LP bound."""
    return _lp(problem, weighted=False)[0]


def plan_lp_rounded(problem: PlanProblem) -> Plan:
    """Greedy in the order of the LP's values (largest first): a strong start for CP-SAT.

    On these instances the LP is nearly integral, so this start usually reaches the
    bound; CP-SAT alone needs far longer to find it from the plain greedy start.
    """
    _value, x = _lp(problem, weighted=True)
    requests = {r.id: r for r in problem.requests}
    km = {(r.id, c.volunteer_id): c.km for r in problem.requests for c in r.candidates}
    order = sorted(x, key=lambda key: (-round(x[key], 6), km[key], key))
    taken: dict[int, list[PlanRequest]] = defaultdict(list)
    pairs: dict[int, int] = {}
    for request_id, volunteer_id in order:
        request, held = requests[request_id], taken[volunteer_id]
        if request_id in pairs or len(held) >= room_left(problem, volunteer_id):
            continue
        if any(overlaps(request, other) for other in held):
            continue
        held.append(request)
        pairs[request_id] = volunteer_id
    return Plan(pairs=pairs, method="lp-rounded", km={r: km[(r, v)] for r, v in pairs.items()})
