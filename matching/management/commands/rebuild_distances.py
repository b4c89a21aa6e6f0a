"""Rebuild the matching index: each office's distance to every postal code within the largest radius.

    python manage.py rebuild_distances            # every office
    python manage.py rebuild_distances --office 3 --office 7
    python manage.py rebuild_distances --stale    # only offices that are new or moved since their last build

Offices are normally indexed on commit when they are created or moved; this is
for operations (after an import with the signal bypassed, or a data repair).
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from directory.models import Office
from matching.engine import index


class Command(BaseCommand):
    help = "Rebuilds the office → postal-code distance index used by matching."

    def add_arguments(self, parser):
        parser.add_argument("--office", type=int, action="append", help="only this office id (repeatable)")
        parser.add_argument("--stale", action="store_true", help="only offices whose index is missing or outdated")

    def handle(self, *args, **options):
        offices = Office.objects.order_by("pk")
        if options["office"]:
            offices = offices.filter(pk__in=options["office"])
        offices = list(offices)
        if options["stale"]:
            offices = [office for office in offices if not index.office_index_is_current(office=office)]
        points = index.postal_code_points()
        rows = 0
        for office in tqdm(offices, desc="offices", disable=None):
            rows += index.office_index_build(office_id=office.pk, points=points)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the index of {len(offices)} offices: {rows} distance rows."))
