"""Benchmark the candidate search against a naive baseline, in one run.

    python manage.py bench_matching --volunteers 10000,100000,1000000

Builds a scratch database next to the configured one (same engine: a
``<name>_bench`` database on PostgreSQL, a temporary file on SQLite), fills it
with synthetic volunteers over the real postal codes, weighted towards cities,
with realistic radii, availability, pauses, absences and existing bookings, and
times ``matching.engine.search.candidates_search`` for many offices and appointments: p50 and
p95 per size. Beside it, in the same run, it times the naive approach: load the
matchable volunteers and loop over them with geopy distances. The scratch
database is dropped at the end; ``--keep`` keeps it and says where, ``--reuse``
opens a kept one and adds only the volunteers it lacks.

``--task-path N`` also times the path a deployment runs: N requests filed through
``request_create``, their proposals stored by a real Celery worker on Redis
(``REDIS_URL``), once with a connection per task and once with kept connections:
p50/p95 from commit to stored proposals and of ``propose`` in the worker.
"""

import datetime
import random
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone
from tqdm import tqdm

from directory.choices import OfficeKind
from directory.models import Office
from geo.distances import geodesic_km
from geo.models import PostalCode
from matching.engine import index, search
from matching.management.bench_search import plain_join_report, planning_report
from matching.management.bench_stats import appointment, load, percentile
from matching.management.scratch import ALIAS, default_points_at, scratch_close, scratch_open, sequences_reset
from matching.models import ACTIVE_MATCH_STATUSES, AccompanimentRequest, Match
from volunteers.models import Absence
from volunteers.selectors import volunteers_matchable

RADII = [5, 10, 10, 15, 15, 15, 20, 20, 25, 30, 50, 100]
BATCH = 20_000


class Command(BaseCommand):
    help = "Times the one-query candidate search (p50/p95) against a naive geopy loop, per number of volunteers."

    def add_arguments(self, parser):
        parser.add_argument("--volunteers", default="10000,100000", help="comma-separated sizes, ascending")
        parser.add_argument("--offices", type=int, default=100)
        parser.add_argument("--queries", type=int, default=500, help="timed searches per size")
        parser.add_argument("--baseline-queries", type=int, default=5, help="timed naive searches per size")
        parser.add_argument(
            "--baseline-max", type=int, default=1_000_000, help="skip the naive baseline above this size"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="keep the scratch database and say where")
        parser.add_argument("--reuse", action="store_true", help="open a kept scratch database, add what it lacks")
        parser.add_argument("--scratch-name", default="", help="scratch database name (SQLite: file path)")
        parser.add_argument(
            "--task-path", type=int, default=0, metavar="N", help="time N requests through a real Celery worker"
        )

    def handle(self, *args, **options):
        sizes = sorted(int(size) for size in options["volunteers"].split(","))
        self.rng = random.Random(options["seed"])  # noqa: S311  (synthetic data, not crypto)
        if options["task_path"] and not settings.REDIS_URL:
            raise CommandError("--task-path needs REDIS_URL (a Redis broker for the real Celery worker).")
        self.stdout.write(f"load average at start: {load()}")
        scratch = scratch_open(name=options["scratch_name"], reuse=options["reuse"])
        vendor = scratch.vendor
        try:
            self.stdout.write(f"Scratch database on {vendor}: migrating …")
            call_command("migrate", database=ALIAS, verbosity=0)
            self._prepare_geography()
            offices = self._create_offices(options["offices"])
            results = []
            have = self._volunteer_count()
            for size in sizes:
                if size > have:
                    self._add_volunteers(have, size)
                    have = size
                    sequences_reset(ALIAS)
                    self._analyze()
                fast = self._time_search(offices, options["queries"])
                baseline = []
                if options["baseline_queries"] and size <= options["baseline_max"]:
                    baseline = self._time_baseline(offices, options["baseline_queries"])
                results.append((size, fast, baseline))
                self._report_row(vendor, size, fast, baseline)
            self._report(vendor, results)
            if options["task_path"]:
                from matching.management.bench_tasks import task_path_report

                default_points_at(scratch)
                task_path_report(self, offices=offices, count=options["task_path"], warm=results[-1][1])
            self.stdout.write(f"load average at end: {load()}")
        finally:
            scratch_close(scratch, keep=options["keep"])
            if options["keep"]:
                self.stdout.write(self.style.SUCCESS(f"kept the scratch database: {scratch.where()}"))

    # --- the scratch database ---------------------------------------------------------------------------

    def _volunteer_count(self) -> int:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM volunteers_volunteer")
            return cursor.fetchone()[0]

    def _analyze(self) -> None:
        connection = connections[ALIAS]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Index-only scans need a current visibility map.
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")

    def _execute_many(self, sql: str, rows: list[tuple]) -> None:
        with connections[ALIAS].cursor() as cursor:
            cursor.executemany(sql, rows)

    # --- synthetic data ----------------------------------------------------------------------------------

    def _prepare_geography(self) -> None:
        codes = list(PostalCode.objects.using(ALIAS).values_list("code", "latitude", "longitude"))
        # Postal-code areas are small where people live densely, so the number of
        # codes in a ~10 km cell is a proxy for population density. Weighting each
        # code by it puts about 12× as many volunteers into a city code as into a
        # rural one (at 1M: ~960 in the densest codes, ~77 median, ~19 rural).
        cells: dict[tuple[int, int], int] = {}
        for _code, lat, lon in codes:
            key = (int(lat * 10), int(lon * 6))
            cells[key] = cells.get(key, 0) + 1
        self.codes = codes
        self.weights = [cells[(int(lat * 10), int(lon * 6))] for _code, lat, lon in codes]
        self.code_coords = {code: (lat, lon) for code, lat, lon in codes}

    def _create_offices(self, count: int) -> list[tuple[int, int, str]]:
        picks = self.rng.choices(self.codes, weights=self.weights, k=count)
        offices = []
        for number, (code, _lat, _lon) in enumerate(picks):
            office, _ = Office.objects.using(ALIAS).get_or_create(
                name=f"Bench-Amt {number}",
                # The postal code from the scratch database: Office.save reads its coordinates.
                postal_code=PostalCode.objects.using(ALIAS).get(pk=code),
                defaults={"kind": self.rng.choice(OfficeKind.values), "verified": True},
            )
            offices.append(office)
        points = index.postal_code_points(using=ALIAS)
        for office in tqdm(offices, desc="distance index", disable=None):
            if not index.office_index_is_current(office=office, using=ALIAS):
                index.office_index_build(office_id=office.pk, using=ALIAS, points=points)
        return [(office.pk, office.kind, office.postal_code_id) for office in offices]

    # Longer than 60 lines on purpose: one pass draws every synthetic attribute with its documented share
    # (README, "Matching benchmark"); split up, the distribution would be scattered over helpers.
    def _add_volunteers(self, start: int, end: int) -> None:
        """Volunteers start+1 … end, with users, verified e-mails, absences and bookings."""
        connection = connections[ALIAS]
        ops = connection.ops
        now = timezone.now()
        today = timezone.localdate()
        joined = ops.adapt_datetimefield_value(now)
        all_kinds = (1 << len(OfficeKind)) - 1
        progress = tqdm(total=end - start, desc=f"volunteers → {end:,}", disable=None)
        office = Office.objects.using(ALIAS).first()
        for low in range(start, end, BATCH):
            high = min(low + BATCH, end)
            users, emails, volunteers, consents, absences, matches = [], [], [], [], [], []
            codes = self.rng.choices(self.codes, weights=self.weights, k=high - low)
            for offset, (code, _lat, _lon) in enumerate(codes):
                number = low + offset + 1
                users.append(
                    (number, "!", False, f"bench{number}", "", "", f"b{number}@bench.invalid", False, True, joined)
                )
                emails.append((number, f"b{number}@bench.invalid", self.rng.random() < 0.95, True, number))
                cells = self.rng.sample(range(18), self.rng.randint(2, 9))
                languages = 1 | (1 << self.rng.randrange(1, 20) if self.rng.random() < 0.3 else 0)
                kinds = all_kinds if self.rng.random() < 0.7 else sum(1 << k for k in self.rng.sample(range(9), 4))
                paused = (
                    ops.adapt_datefield_value(today + datetime.timedelta(days=20)) if self.rng.random() < 0.05 else None
                )
                volunteers.append(
                    (
                        number, number, f"V{number}", code, self.rng.choice(RADII), sum(1 << c for c in cells),
                        languages, kinds, "", self.rng.choice(["", "f", "m"]), False, self.rng.random() < 0.95,
                        paused, joined, joined, joined if self.rng.random() < 0.97 else None,
                    )
                )  # fmt: skip
                # Some withdrew their consent: the search must pass them over (is_active alone does not decide).
                withdrawn = joined if self.rng.random() < 0.03 else None
                consents.append((number, "bench", joined, withdrawn))
                if self.rng.random() < 0.05:
                    first = today + datetime.timedelta(days=self.rng.randrange(0, 40))
                    absences.append(
                        (
                            number,
                            ops.adapt_datefield_value(first),
                            ops.adapt_datefield_value(first + datetime.timedelta(days=7)),
                        )
                    )
                if self.rng.random() < 0.10:
                    starts = now + datetime.timedelta(days=self.rng.randrange(-40, 40), hours=self.rng.randrange(0, 10))
                    starts = starts.replace(minute=0, second=0, microsecond=0)
                    ends = starts + datetime.timedelta(hours=1)
                    block_from, block_until = search.match_block(starts, ends)
                    status = "accepted" if starts > now else "done"
                    matches.append(
                        (
                            self._bench_request(office, starts), number, status, f"bench-{number}",
                            *(ops.adapt_datetimefield_value(x) for x in (starts, ends, block_from, block_until)),
                            "", "", joined,
                        )
                    )  # fmt: skip
            self._execute_many(
                "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
                "is_active, date_joined) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                users,
            )
            self._execute_many(
                'INSERT INTO account_emailaddress (id, email, verified, "primary", user_id) '
                "VALUES (%s, %s, %s, %s, %s)",
                emails,
            )
            self._execute_many(
                "INSERT INTO volunteers_volunteer (id, user_id, display_name, postal_code, radius_km, availability, "
                "languages, office_kinds, phone, gender, knows_social_law, is_active, paused_until, created_at, "
                "updated_at, briefed_at, language, calendar_token) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'de', '')",
                volunteers,
            )
            self._execute_many(
                "INSERT INTO volunteers_consent (volunteer_id, policy_version, given_at, withdrawn_at) "
                "VALUES (%s, %s, %s, %s)",
                consents,
            )
            if absences:
                self._execute_many(
                    "INSERT INTO volunteers_absence (volunteer_id, starts_on, ends_on) VALUES (%s, %s, %s)", absences
                )
            if matches:
                requests = AccompanimentRequest.objects.using(ALIAS).bulk_create(
                    [booking[0] for booking in matches], batch_size=5000
                )
                matches = [
                    (escort_request.pk, *booking[1:]) for escort_request, booking in zip(requests, matches, strict=True)
                ]
                self._execute_many(
                    "INSERT INTO matching_match (request_id, volunteer_id, status, token, starts_at, ends_at, "
                    "blocked_from, blocked_until, decline_reason, outcome, created_at, calendar_sequence, "
                    "refusal_said) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, '')",
                    matches,
                )
            progress.update(high - low)
        progress.close()

    def _bench_request(self, office, starts_at) -> AccompanimentRequest:
        """A synthetic confirmed request for a synthetic booking (saved in bulk by the caller)."""
        return AccompanimentRequest(
            office=office,
            starts_at=starts_at,
            email="bench@bench.invalid",
            consent_given_at=starts_at,
            privacy_policy_version="bench",
            status="confirmed",
        )

    # --- timing ----------------------------------------------------------------------------------------

    def _appointment(self) -> datetime.datetime:
        return appointment(self.rng)

    def _search_arguments(self, offices) -> dict:
        office_id, kind, _code = self.rng.choice(offices)
        starts_at = self._appointment()
        needs_language = self.rng.random() < 0.2
        return {
            "office_id": office_id,
            "office_kind": kind,
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=1),
            "languages": (1 | 1 << self.rng.randrange(1, 20)) if needs_language else 1,
            "needs_language": needs_language,
            "preferred_gender": self.rng.choice(["", "", "", "", "f", "m"]),
        }

    def _time_search(self, offices, queries: int) -> list[float]:
        for _ in range(min(20, queries)):  # warm the caches
            search.candidates_search(using=ALIAS, **self._search_arguments(offices))
        timings, found = [], 0
        drawn = [self._search_arguments(offices) for _ in range(queries)]
        for arguments in tqdm(drawn, desc="indexed search", disable=None):
            started = time.perf_counter()
            found += len(search.candidates_search(using=ALIAS, **arguments))
            timings.append((time.perf_counter() - started) * 1000)
        # A fast search that finds nobody would prove nothing: say how many it found.
        self.stdout.write(f"  indexed search found {found / queries:.1f} candidates per query on average")
        if connections[ALIAS].vendor == "postgresql" and settings.MATCHING_PREPARED_STATEMENTS:
            planning_report(self, drawn=drawn, prepared=timings)
            plain_join_report(self, drawn=drawn, ranked=timings)
        return timings

    def _time_baseline(self, offices, queries: int) -> list[float]:
        timings = []
        for _ in tqdm(range(queries), desc="naive baseline", disable=None):
            arguments = self._search_arguments(offices)
            started = time.perf_counter()
            naive_search(**arguments)
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    # --- output ----------------------------------------------------------------------------------------

    def _report_row(self, vendor, size, fast, baseline) -> None:
        p50, p95 = percentile(fast, 50), percentile(fast, 95)
        line = f"{vendor} {size:>9,} volunteers: indexed p50 {p50:7.2f} ms, p95 {p95:7.2f} ms"
        if baseline:
            naive = statistics.median(baseline)
            line += f" | naive median {naive:9.1f} ms → {naive / p50:,.0f}× faster (p50)"
        self.stdout.write(self.style.SUCCESS(line))

    def _report(self, vendor, results) -> None:
        self.stdout.write("")
        self.stdout.write(f"| {vendor} | indexed p50 | indexed p95 | naive median | speed-up (naive / p50) |")
        self.stdout.write("|---|---|---|---|---|")
        for size, fast, baseline in results:
            p50, p95 = percentile(fast, 50), percentile(fast, 95)
            naive = f"{statistics.median(baseline):,.0f} ms" if baseline else "–"
            ratio = f"{statistics.median(baseline) / p50:,.0f}×" if baseline else "–"
            self.stdout.write(f"| {size:,} volunteers | {p50:.2f} ms | {p95:.2f} ms | {naive} | {ratio} |")


def naive_search(
    *, office_id, office_kind, starts_at, ends_at, languages, needs_language, preferred_gender, limit=None
) -> list[tuple[float, int]]:
    """The obvious way: load every matchable volunteer, measure with geopy, filter and sort in Python."""
    office = Office.objects.using(ALIAS).get(pk=office_id)
    slot = search.appointment_slot(starts_at)
    day = timezone.localtime(starts_at).date()
    block_from, block_until = search.match_block(starts_at, ends_at)
    absent = set(
        Absence.objects.using(ALIAS).filter(starts_on__lte=day, ends_on__gte=day).values_list("volunteer_id", flat=True)
    )
    booked = set(
        Match.objects.using(ALIAS)
        .filter(status__in=ACTIVE_MATCH_STATUSES, blocked_from__lt=block_until, blocked_until__gt=block_from)
        .values_list("volunteer_id", flat=True)
    )
    hits = []
    rows = volunteers_matchable(on=day).using(ALIAS).values_list(
        "id", "postal_code__latitude", "postal_code__longitude", "radius_km", "availability", "office_kinds",
        "languages", "gender",
    )  # fmt: skip
    slot_bit = 1 << (slot[0] * 3 + slot[1]) if slot else 0
    for volunteer_id, lat, lon, radius, availability, kinds, spoken, gender in rows:
        km = geodesic_km((office.latitude, office.longitude), (lat, lon))
        if km > radius or not availability & slot_bit or not kinds & (1 << office_kind):
            continue
        if needs_language and not spoken & languages:
            continue
        if preferred_gender and gender != preferred_gender:
            continue
        if volunteer_id in absent or volunteer_id in booked:
            continue
        hits.append((km, volunteer_id))
    hits.sort()
    return hits[: limit or settings.MATCHING_PROPOSALS]
