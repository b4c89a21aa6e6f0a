"""Time the coordinators' admin lists on a large scratch database, in-process through the full middleware.

    python manage.py bench_matching --volunteers 1000000 --keep     # builds <name>_bench (1M volunteers,
                                                                     # ~100k requests and matches)
    python manage.py bench_admin                                    # opens it, migrates it, times the lists

``--without NAME`` (``app:migration``, repeatable) first migrates those apps back to the given migration
(say, before the admin indexes), times the lists, migrates forward again and times them once more, so
before and after come from the same run on the same data.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test import Client, override_settings

from matching.management.bench_stats import load, percentile
from matching.management.scratch import default_points_at, scratch_close, scratch_open_kept, sequences_reset

LISTS = [
    "/admin/volunteers/volunteer/",
    "/admin/volunteers/volunteer/?is_active__exact=1",
    "/admin/volunteers/volunteer/?p=50",
    "/admin/matching/accompanimentrequest/",
    "/admin/matching/accompanimentrequest/?status__exact=confirmed",
    "/admin/matching/match/",
    "/admin/matching/match/?status__exact=accepted",
]
HOST = "127.0.0.1"


class Command(BaseCommand):
    help = "Times the admin changelists (volunteers, requests, matches) on a kept benchmark database."

    def add_arguments(self, parser):
        parser.add_argument("--scratch-name", default="", help="the kept scratch database (default <name>_bench)")
        parser.add_argument("--repeat", type=int, default=10)
        parser.add_argument("--without", action="append", default=[], help="app:migration to time before")

    def handle(self, *args, **options):
        self.stdout.write(f"load average at start: {load()}")
        scratch = scratch_open_kept(name=options["scratch_name"])
        try:
            default_points_at(scratch)
            sequences_reset("default")
            self._sizes()
            runs = []
            if options["without"]:
                for target in options["without"]:
                    app, migration = target.split(":")
                    call_command("migrate", app, migration, verbosity=0)
                with override_settings(ADMIN_REQUIRE_MFA=False):
                    runs.append(("before (" + ", ".join(options["without"]) + ")", self._time(options["repeat"])))
            call_command("migrate", verbosity=0)
            with connections["default"].cursor() as cursor:
                cursor.execute("ANALYZE")
            # The second factor is checked once per session (mitlaeufer/mfa.py), not what is timed here.
            with override_settings(ADMIN_REQUIRE_MFA=False):
                runs.append(("now", self._time(options["repeat"])))
            self._report(runs)
            self.stdout.write(f"load average at end: {load()}")
        finally:
            scratch_close(scratch, keep=True)

    def _sizes(self) -> None:
        with connections["default"].cursor() as cursor:
            counts = []
            for table in ("volunteers_volunteer", "matching_accompanimentrequest", "matching_match"):
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  (fixed table names)
                counts.append(f"{table} {cursor.fetchone()[0]:,}")
        self.stdout.write("rows: " + ", ".join(counts))

    def _time(self, repeat: int) -> dict[str, list[float]]:
        user, _ = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@bench.invalid"}
        )
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        timings = {}
        for url in LISTS:
            response = client.get(url)  # warm
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            timings[url] = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(url)
                timings[url].append((time.perf_counter() - started) * 1000)
        return timings

    def _report(self, runs) -> None:
        self.stdout.write("")
        self.stdout.write("| admin list | " + " | ".join(f"{label}: median / p95" for label, _ in runs) + " |")
        self.stdout.write("|---|" + "---|" * len(runs))
        for url in LISTS:
            cells = [f"{statistics.median(t[url]):.0f} / {percentile(t[url], 95):.0f} ms" for _label, t in runs]
            self.stdout.write(f"| `{url}` | " + " | ".join(cells) + " |")
