"""The initiatives' CSV export for the admin (cells neutralised by core.csv_export)."""

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone, translation

from core.bitmask import labels_from_mask
from core.csv_export import LIST_SEPARATOR, csv_response
from directory.choices import InitiativeService, Language
from directory.initiative_services import INITIATIVE_FIELDS
from directory.models import Initiative

# Column names match import_initiatives, so an export can be edited and imported again.
INITIATIVE_COLUMNS = (
    "name",
    "slug",
    "state",
    *(name for name in INITIATIVE_FIELDS if name != "name"),
    "published_at",
    "last_confirmed_at",
)


def initiative_csv_row(initiative: Initiative) -> list:
    values = {
        "services": LIST_SEPARATOR.join(labels_from_mask(initiative.services, InitiativeService)),
        "languages": LIST_SEPARATOR.join(labels_from_mask(initiative.languages, Language)),
        "postal_code": initiative.postal_code_id,
        "published_at": timezone.localtime(initiative.published_at) if initiative.published_at else None,
        "last_confirmed_at": (
            timezone.localtime(initiative.last_confirmed_at) if initiative.last_confirmed_at else None
        ),
    }
    return [values[name] if name in values else getattr(initiative, name) for name in INITIATIVE_COLUMNS]


def initiatives_csv_response(*, initiatives: Iterable[Initiative]) -> HttpResponse:
    # Labels in German whatever the coordinator's language, so the import understands them.
    with translation.override("de"):
        rows = [initiative_csv_row(initiative) for initiative in initiatives]
    filename = f"initiativen-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename=filename, header=INITIATIVE_COLUMNS, rows=rows)
