from django.core.management.base import BaseCommand, CommandError

from geo.models import Region
from geo.regions import RegionsCoordinated, regions_load_default


class Command(BaseCommand):
    help = "Legt die voreingestellten Regionen für Deutschland an (nur wenn noch keine da sind, außer mit --replace)."

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="Vorhandene Regionen vorher löschen.")

    def handle(self, *args, replace: bool = False, **options):
        try:
            created = regions_load_default(replace=replace)
        except RegionsCoordinated as error:
            # Their coordinators would be left with no region, which makes them national (they would see all).
            raise CommandError(
                f"Diese Regionen haben noch Koordinator*innen: {', '.join(error.names)}. "
                "Bitte erst im Admin anderen Regionen zuordnen oder austragen; nichts geändert."
            )
        if created:
            self.stdout.write(f"{created} Regionen angelegt.")
        else:
            existing = Region.objects.count()
            self.stdout.write(f"Es gibt schon {existing} Regionen; nichts geändert (--replace ersetzt sie).")
