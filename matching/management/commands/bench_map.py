"""Time the statistics page and the map of Germany on the kept benchmark database (1M volunteers, 100k requests).

    python manage.py bench_matching --volunteers 1000000 --keep     # builds <name>_bench once
    python manage.py bench_map                                      # opens it, loads the regions, times

Each figure is the median / p95 of ``--repeat`` runs, next to a baseline from the same run on the same
data: a bare ``SELECT count(*)`` of the volunteers (the least any count over them costs). The snapshot
is what Celery beat recomputes every few minutes; pages and the map read it from the cache, and the
drawing is timed both from a cached snapshot (SVG drawn anew) and fully cached.
"""

import statistics
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.template import Context, Template
from django.test import Client, override_settings

from geo.models import Region
from geo.regions import regions_load_default
from matching.management.bench_stats import load, percentile
from matching.management.scratch import default_points_at, scratch_close, scratch_open_kept, sequences_reset
from matching.requests.region_map import region_map, region_map_build
from matching.requests.statistics import SNAPSHOT_BUILT_KEY, SNAPSHOT_KEY, statistics_snapshot

HOST = "127.0.0.1"
PAGE = "/admin/matching/accompanimentrequest/statistik/"


class Command(BaseCommand):
    help = "Times the statistics page and the map of Germany on a kept benchmark database."

    def add_arguments(self, parser):
        parser.add_argument("--scratch-name", default="", help="the kept scratch database (default <name>_bench)")
        parser.add_argument("--repeat", type=int, default=7)

    def handle(self, *args, **options):
        self.stdout.write(f"load average at start: {load()}")
        scratch = scratch_open_kept(name=options["scratch_name"])
        try:
            default_points_at(scratch)
            sequences_reset("default")
            call_command("migrate", verbosity=0)
            regions_load_default()
            with connections["default"].cursor() as cursor:
                cursor.execute("ANALYZE")
            self._sizes()
            # The page is timed, not the sign-in: the bench users have no second factor.
            with override_settings(ADMIN_REQUIRE_MFA=False):
                self._run(options["repeat"])
            self.stdout.write(f"load average at end: {load()}")
        finally:
            # The synthetic snapshot must not stand in for the real one in a shared cache.
            cache.delete_many([SNAPSHOT_KEY, SNAPSHOT_BUILT_KEY])
            scratch_close(scratch, keep=True)

    def _sizes(self) -> None:
        with connections["default"].cursor() as cursor:
            counts = []
            for table in ("volunteers_volunteer", "matching_accompanimentrequest", "matching_match"):
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  (fixed table names)
                counts.append(f"{table} {cursor.fetchone()[0]:,}")
        self.stdout.write("rows: " + ", ".join(counts) + f"; regions {Region.objects.count()}")

    def _run(self, repeat: int) -> None:
        national = self._user("bench-national", region=None)
        regional = self._user("bench-berlin", region=Region.objects.get(slug="berlin"))
        berlin = [Region.objects.get(slug="berlin").pk]
        public = Template("{% load region_map_tags %}{% public_region_map %}")

        def bare_count():
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM volunteers_volunteer")
                cursor.fetchone()

        def draw(region_ids):
            region_map_build(statistics_snapshot(), region_ids=region_ids, public=False)

        def page(user, fresh: bool) -> Callable[[], None]:
            client = Client(HTTP_HOST=HOST)
            client.force_login(user)

            def get():
                response = client.get(PAGE + ("?neu=1" if fresh else ""))
                if response.status_code != 200:
                    raise CommandError(f"{PAGE} answered {response.status_code}")

            return get

        cases = [
            ("baseline: SELECT count(*) FROM volunteers_volunteer", bare_count),
            ("snapshot for the whole country (beat, every 5 min)", lambda: statistics_snapshot(fresh=True)),
            (
                "map drawn from the cached snapshot (all)",
                lambda: region_map_build(statistics_snapshot(), region_ids=None, public=False),
            ),
            (
                "map drawn from the cached snapshot (Berlin)",
                lambda: region_map_build(statistics_snapshot(), region_ids=berlin, public=False),
            ),
            ("map, cached", lambda: region_map(region_ids=None)),
            ("public map tag, cached", lambda: public.render(Context({}))),
            ("statistics page (national)", page(national, fresh=False)),
            ("statistics page (Berlin coordinator)", page(regional, fresh=False)),
            ("statistics page, ?neu=1 (recomputes the snapshot)", page(national, fresh=True)),
        ]
        self.stdout.write("")
        self.stdout.write("| what | median / p95 | × baseline |")
        self.stdout.write("|---|---|---|")
        baseline = None
        for label, action in cases:
            action()  # warm: connections, the process's map geometry, the cache for the "cached" rows
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                action()
                timings.append((time.perf_counter() - started) * 1000)
            median = statistics.median(timings)
            baseline = baseline or median
            self.stdout.write(
                f"| {label} | {median:.0f} / {percentile(timings, 95):.0f} ms | {median / baseline:.1f}× |"
            )

    def _user(self, username: str, *, region: Region | None):
        user, _ = get_user_model().objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": region is None, "email": f"{username}@bench.invalid"},
        )
        if region is not None:
            user.user_permissions.add(Permission.objects.get(codename="view_accompanimentrequest"))
            region.coordinators.add(user)
        return user
