"""Benchmark the week's planner against the greedy baseline on synthetic weeks, in one run.

    python manage.py bench_planning --scenarios scarce,relaxed

Each scenario is a synthetic week built IN MEMORY over the real postal codes
(``geo.PostalCode``, read from the configured database): 100,000 volunteers weighted
towards cities, 1,000 open requests, and the candidates of each request by the same
rule as the SQL search (``matching.planning.synthetic``). No rows are written; the
SQL search itself is timed by ``bench_matching``. For the planner and the greedy
baseline (each request in appointment order takes its best free candidate) it prints
requests covered, total km, the largest load on one volunteer and the time (wall
clock and this process's CPU time; on a shared machine the CPU time is the fairer
figure), and the LP upper bound on requests covered.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from geo.models import PostalCode
from matching.planning.lp import coverage_upper_bound
from matching.planning.problem import plan_check, plan_greedy
from matching.planning.solver import plan_solve
from matching.planning.synthetic import SCENARIOS, synthetic_week


class Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s ({self.cpu:.2f} s CPU)"


class Command(BaseCommand):
    help = "Plans synthetic weeks (scarce, relaxed) with the planner and the greedy baseline and prints both."

    def add_arguments(self, parser):
        parser.add_argument("--scenarios", default="scarce,relaxed", help=f"comma-separated: {', '.join(SCENARIOS)}")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--candidates", type=int, default=settings.PLANNING_CANDIDATES)
        parser.add_argument("--seconds", type=float, default=settings.PLANNING_SECONDS, help="CP-SAT budget")

    def handle(self, *args, **options):
        names = [name.strip() for name in options["scenarios"].split(",") if name.strip()]
        unknown = [name for name in names if name not in SCENARIOS]
        if unknown:
            raise CommandError(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
        codes = list(PostalCode.objects.values_list("code", "latitude", "longitude").order_by("code"))
        if not codes:
            raise CommandError("no postal codes in the database: run migrate first")
        for name in names:
            self._run(SCENARIOS[name], codes, options)

    def _run(self, scenario, codes, options) -> None:
        with Timer() as candidates_time:
            week = synthetic_week(codes, scenario, seed=options["seed"], candidates=options["candidates"])
        problem = week.problem
        with Timer() as greedy_time:
            greedy = plan_greedy(problem)
        with Timer() as plan_time:
            plan = plan_solve(problem, seconds=options["seconds"], seed=options["seed"])
        with Timer() as bound_time:
            bound = coverage_upper_bound(problem)
        broken = plan_check(problem, plan) + plan_check(problem, greedy)
        without = sum(1 for r in problem.requests if not r.candidates)
        self.stdout.write(
            f"\n{scenario.name}: {len(problem.requests):,} requests, {week.volunteers:,} volunteers, "
            f"{options['candidates']} candidates each ({without} with none); candidates built in {candidates_time}"
        )
        self.stdout.write(f"  {'':8} {'covered':>8} {'total km':>10} {'max load':>9}  time")
        for label, result, timer in (("greedy", greedy, greedy_time), ("planner", plan, plan_time)):
            self.stdout.write(
                f"  {label:8} {result.covered:8,} {result.total_km:10,.0f} {result.max_load(problem):9}  {timer}"
                + (f"  [{result.method}]" if label == "planner" else "")
            )
        gain = (plan.covered - greedy.covered) / greedy.covered * 100 if greedy.covered else 0.0
        total = candidates_time.wall + plan_time.wall
        total_cpu = candidates_time.cpu + plan_time.cpu
        self.stdout.write(
            f"  LP upper bound {bound:,.1f} ({bound_time}); planner +{gain:.1f} % over greedy; "
            f"candidates + plan {total:.2f} s ({total_cpu:.2f} s CPU)"
        )
        if broken:
            raise CommandError(f"a plan breaks a rule: {broken[:3]}")
        self.stdout.write(self.style.SUCCESS(f"  {scenario.name}: every plan keeps overlap, cap and candidates"))
