"""The planner's core without Django: optimal coverage on small instances, no broken rule on large ones."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.planning.lp import coverage_upper_bound
from matching.planning.problem import (
    Plan,
    PlanCandidate,
    PlanProblem,
    PlanRequest,
    overlap_cliques,
    plan_check,
    plan_greedy,
    plan_score,
)
from matching.planning.solver import plan_solve


def exhaustive_coverage(problem: PlanProblem) -> int:
    """The most requests any valid assignment covers, by trying them all (with a simple bound)."""
    requests = list(problem.requests)
    best = 0

    def walk(index: int, pairs: dict[int, int]) -> None:
        nonlocal best
        if len(pairs) + len(requests) - index <= best:
            return
        if index == len(requests):
            best = len(pairs)
            return
        request = requests[index]
        for candidate in request.candidates:
            pairs[request.id] = candidate.volunteer_id
            if not plan_check(problem, Plan(pairs=dict(pairs), method="")):
                walk(index + 1, pairs)
            del pairs[request.id]
        walk(index + 1, pairs)

    walk(0, {})
    return best


@st.composite
def small_problems(draw) -> PlanProblem:
    volunteers = draw(st.integers(1, 8))
    count = draw(st.integers(1, 8))
    requests = []
    for number in range(count):
        start = draw(st.integers(0, 12)) * 30
        length = draw(st.sampled_from([60, 90, 120, 180]))
        chosen = draw(st.lists(st.integers(0, volunteers - 1), unique=True, max_size=volunteers))
        candidates = tuple(PlanCandidate(volunteer_id=v, km=draw(st.integers(0, 40)) / 2) for v in chosen)
        requests.append(PlanRequest(number, start, start + length, draw(st.integers(0, 7)), candidates))
    existing = draw(st.dictionaries(st.integers(0, volunteers - 1), st.integers(0, 2), max_size=volunteers))
    return PlanProblem(requests=tuple(requests), cap=draw(st.integers(1, 3)), existing_load=existing)


@settings(max_examples=150, deadline=None)
@given(small_problems())
def test_the_planner_covers_as_many_requests_as_an_exhaustive_search(problem):
    plan = plan_solve(problem, seconds=5)

    assert plan_check(problem, plan) == []
    assert plan.covered == exhaustive_coverage(problem)


@settings(max_examples=60, deadline=None)
@given(small_problems())
def test_the_planner_is_never_worse_than_greedy_and_below_the_lp_bound(problem):
    plan = plan_solve(problem, seconds=5)
    greedy = plan_greedy(problem)

    assert plan_score(problem, plan) >= plan_score(problem, greedy)
    assert plan.covered <= coverage_upper_bound(problem) + 1e-6


def realistic_problem(seed: int, *, requests: int = 300, volunteers: int = 150) -> PlanProblem:
    """Busy mornings over five days, candidate lists of up to 30 drawn from a shared neighbourhood."""
    rng = random.Random(seed)
    items = []
    for number in range(requests):
        day, minute = rng.randrange(5), rng.randrange(8 * 60, 13 * 60, 15)
        start = day * 24 * 60 + minute - 30
        area = rng.randrange(0, volunteers - 30)
        chosen = rng.sample(range(area, area + 30), rng.randint(0, 30))
        candidates = tuple(PlanCandidate(volunteer_id=v, km=rng.uniform(0, 50)) for v in chosen)
        items.append(PlanRequest(number, start, start + rng.choice([60, 90, 120]) + 60, 5 - day, candidates))
    existing = {v: rng.choice([0, 0, 0, 1, 2]) for v in range(volunteers)}
    return PlanProblem(requests=tuple(items), cap=2, existing_load=existing)


def test_overlap_cap_and_candidates_hold_on_realistic_instances():
    for seed in range(5):
        problem = realistic_problem(seed)
        plan = plan_solve(problem, seconds=3)

        assert plan_check(problem, plan) == []
        assert plan.covered >= plan_greedy(problem).covered


def test_a_volunteer_who_declined_is_never_assigned():
    # The candidate search leaves out whoever declined; the solver assigns candidates only.
    problem = PlanProblem(
        requests=(
            PlanRequest(1, 0, 60, 0, (PlanCandidate(volunteer_id=7, km=1.0),)),
            PlanRequest(2, 0, 60, 0, (PlanCandidate(volunteer_id=8, km=1.0),)),
        )
    )
    plan = plan_solve(problem)

    assert plan.pairs == {1: 7, 2: 8}


def test_the_plan_beats_greedy_where_the_nearest_volunteer_is_needed_elsewhere():
    # Greedy gives volunteer 1 (nearest) to request 1; request 2 has nobody else.
    problem = PlanProblem(
        requests=(
            PlanRequest(1, 0, 60, 0, (PlanCandidate(1, 1.0), PlanCandidate(2, 9.0))),
            PlanRequest(2, 30, 90, 0, (PlanCandidate(1, 2.0),)),
        )
    )

    assert plan_greedy(problem).covered == 1
    assert plan_solve(problem).pairs == {1: 2, 2: 1}


def test_the_cap_counts_appointments_already_held():
    problem = PlanProblem(
        requests=(
            PlanRequest(1, 0, 60, 0, (PlanCandidate(1, 1.0),)),
            PlanRequest(2, 500, 560, 0, (PlanCandidate(1, 1.0),)),
        ),
        cap=2,
        existing_load={1: 1},
    )

    assert plan_solve(problem).covered == 1


def test_load_is_spread_before_distance_is_saved():
    problem = PlanProblem(
        requests=(
            PlanRequest(1, 0, 60, 0, (PlanCandidate(1, 1.0), PlanCandidate(2, 20.0))),
            PlanRequest(2, 500, 560, 0, (PlanCandidate(1, 1.0), PlanCandidate(2, 20.0))),
        )
    )

    assert sorted(plan_solve(problem).pairs.values()) == [1, 2]


def test_the_same_input_gives_the_same_plan():
    problem = realistic_problem(11)

    assert plan_solve(problem, seconds=2).pairs == plan_solve(problem, seconds=2).pairs


def test_maximal_cliques_of_overlapping_blocks():
    a, b, c = PlanRequest(1, 0, 100), PlanRequest(2, 50, 150), PlanRequest(3, 120, 200)

    assert [[r.id for r in clique] for clique in overlap_cliques([a, b, c])] == [[1, 2], [2, 3]]
