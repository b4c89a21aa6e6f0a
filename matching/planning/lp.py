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


def plan_augment(problem: PlanProblem, plan: Plan, *, rounds: int = 3) -> Plan:
    """More requests covered by short exchanges: an open request takes volunteer v after one of v's
    requests moves to another free candidate (an augmenting path of length three). Never uncovers one."""
    requests = {r.id: r for r in problem.requests}
    km = {(r.id, c.volunteer_id): c.km for r in problem.requests for c in r.candidates}
    pairs = dict(plan.pairs)
    held: dict[int, list[PlanRequest]] = defaultdict(list)
    for request_id, volunteer_id in pairs.items():
        held[volunteer_id].append(requests[request_id])

    def fits(request: PlanRequest, volunteer_id: int, without: PlanRequest | None = None) -> bool:
        others = [o for o in held[volunteer_id] if o is not without]
        return len(others) < room_left(problem, volunteer_id) and not any(overlaps(request, o) for o in others)

    def move(request: PlanRequest, volunteer_id: int) -> None:
        old = pairs.get(request.id)
        if old is not None:
            held[old].remove(request)
        pairs[request.id] = volunteer_id
        held[volunteer_id].append(request)

    for _round in range(rounds):
        changed = False
        for request in sorted(problem.requests, key=lambda r: (-r.soon, r.block_start, r.id)):
            if request.id in pairs:
                continue
            for candidate in request.candidates:
                v = candidate.volunteer_id
                if fits(request, v):
                    move(request, v)
                    changed = True
                    break
                if _free_by_one_move(request, v, held, fits, move):
                    move(request, v)
                    changed = True
                    break
        if not changed:
            break
    return Plan(pairs=pairs, method=plan.method, km={r: km[(r, v)] for r, v in pairs.items()})


def _free_by_one_move(request, volunteer_id, held, fits, move) -> bool:
    """Move one of the volunteer's requests to another candidate so that ``request`` fits them."""
    for other in list(held[volunteer_id]):
        if not fits(request, volunteer_id, without=other):
            continue
        for alternative in other.candidates:
            if alternative.volunteer_id != volunteer_id and fits(other, alternative.volunteer_id):
                move(other, alternative.volunteer_id)
                return True
    return False
