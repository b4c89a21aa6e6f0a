"""Erase the personal data of requests past their retention time: ``manage.py purge_requests [--dry-run]``.

The same purge runs nightly as a Celery beat task (``matching.requests.purge.purge_requests``).
A request's personal fields are erased REQUEST_RETENTION_DAYS after its appointment
ended or after it was cancelled; office, time and status stay for statistics.
The output says how many, never who.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from matching.requests.purge import requests_purge


class Command(BaseCommand):
    help = "Erases personal data of requests past their retention time (see REQUEST_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count, erase nothing")

    def handle(self, *args, dry_run: bool, **options):
        count = requests_purge(dry_run=dry_run)
        days = settings.REQUEST_RETENTION_DAYS
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: {count} request(s) older than {days} days would be erased.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Erased the personal data of {count} request(s)."))
