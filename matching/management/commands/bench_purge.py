"""Time the request purge on N past requests with everything a request leaves behind.

    DATABASE_URL=postgres://…/mitlaeufer_bench python manage.py migrate
    DATABASE_URL=postgres://…/mitlaeufer_bench python manage.py bench_purge --requests 100000

Writes synthetic rows into the configured database, so it refuses any database
whose name does not end in ``_bench``. Each request gets a typed (unverified)
office every 50 requests, a referral, a declined match with a reason and an
event, a proposal and an admin history entry.
"""

import datetime
import time

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from directory.models import Initiative, Office
from matching.models import AccompanimentRequest, Match, MatchEvent, Proposal, Referral
from matching.requests.purge import requests_due_for_purge, requests_purge
from volunteers.models import Volunteer

BATCH = 5000


class Command(BaseCommand):
    help = "Time the purge of personal data on N past requests (scratch database only)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=100_000)

    def handle(self, *args, **options):
        if not str(settings.DATABASES["default"]["NAME"]).endswith("_bench"):
            raise CommandError("bench_purge writes synthetic data: point DATABASE_URL at a database named *_bench.")
        count = options["requests"]
        self._fill(count)
        due = len(requests_due_for_purge())
        started = time.perf_counter()
        erased = requests_purge()
        seconds = time.perf_counter() - started
        again = time.perf_counter()
        requests_purge()
        idle = time.perf_counter() - again
        self.stdout.write(
            self.style.SUCCESS(
                f"{connection.vendor}: {due:,} due, {erased:,} erased in {seconds:.1f} s "
                f"({seconds / max(erased, 1) * 1000:.2f} ms per request); second run {idle:.2f} s"
            )
        )

    def _fill(self, count: int) -> None:
        initiative = Initiative.objects.filter(state="published").first() or Initiative.objects.first()
        volunteer = Volunteer.objects.first()
        if initiative is None or volunteer is None:
            raise CommandError("Needs one initiative and one volunteer: run load_demo_data (DEBUG) first.")
        verified = Office.objects.filter(verified=True).first()
        past = timezone.now() - datetime.timedelta(days=settings.REQUEST_RETENTION_DAYS + 5)
        request_type = ContentType.objects.get_for_model(AccompanimentRequest)
        for low in tqdm(range(0, count, BATCH), desc="requests", disable=None):
            with transaction.atomic():
                n = min(BATCH, count - low)
                typed = Office.objects.bulk_create(
                    Office(name=f"Amt {low + i}", kind=0, postal_code_id="47051", latitude=51.4, longitude=6.7)
                    for i in range(0, n, 50)
                )
                requests = AccompanimentRequest.objects.bulk_create(
                    AccompanimentRequest(
                        office=typed[i // 50] if i % 50 == 0 else verified,
                        starts_at=past,
                        first_name="Bench",
                        email=f"b{low + i}@bench.invalid",
                        message="Ich spreche Arabisch und brauche Hilfe beim Antrag.",
                        accessibility="Rollstuhl",
                        consent_given_at=past,
                        privacy_policy_version="bench",
                        status="done",
                    )
                    for i in range(n)
                )
                Referral.objects.bulk_create(Referral(request=r, initiative=initiative, note="Notiz") for r in requests)
                matches = Match.objects.bulk_create(
                    Match(
                        request=r, volunteer=volunteer, status="declined", starts_at=r.starts_at, ends_at=r.starts_at,
                        blocked_from=r.starts_at, blocked_until=r.starts_at, decline_reason="Bin krank",
                    )
                    for r in requests
                )  # fmt: skip
                MatchEvent.objects.bulk_create(
                    MatchEvent(match=m, kind="declined", actor_role="volunteer", note="Bin krank") for m in matches
                )
                Proposal.objects.bulk_create(
                    Proposal(request=r, volunteer=volunteer, rank=1, distance_km=1.0, reasons=["spricht Arabisch"])
                    for r in requests
                )
                LogEntry.objects.bulk_create(
                    LogEntry(
                        content_type=request_type, object_id=str(r.pk), object_repr=f"Anfrage {r.pk}",
                        action_flag=CHANGE, change_message="[]", user_id=volunteer.user_id,
                    )
                    for r in requests
                )  # fmt: skip
