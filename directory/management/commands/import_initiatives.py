"""Import partner initiatives from a CSV file: ``python manage.py import_initiatives FILE.csv [--dry-run] [--publish]``.

Columns (header line required, comma or semicolon, UTF-8; German names work too;
the admin's CSV export has exactly these columns and can be imported again):

    name, description, services, languages (optional, default Deutsch), street, postal_code, city,
    reach (lokal/bundesweit/online, default lokal), radius_km, website, email, phone,
    opening_hours, accessibility, contact_email

``services`` and ``languages`` are lists of labels ("Sozialberatung, Schuldnerberatung")
or constants (DEBT), separated by commas, semicolons or "|".

Entries are identified by name (any case) and postal code: a second run updates
them and creates nothing new. New entries are ``submitted`` and wait for a
coordinator, whose publishing sends the edit link; ``--publish`` publishes them
right away, without mails. Every bad row is reported with its line number.
"""

import re

from django.utils import timezone

from core.bitmask import to_mask
from core.csv_export import csv_unneutralise
from core.csv_import import CREATED, UNCHANGED, UPDATED, CsvImportCommand, RowError
from directory import initiative_services
from directory.choices import InitiativeReach, InitiativeService, InitiativeState, Language
from directory.models import Initiative
from geo.selectors import postal_code_get

COLUMN_ALIASES = {
    "beschreibung": "description",
    "angebote": "services",
    "angebot": "services",
    "sprachen": "languages",
    "straße": "street",
    "strasse": "street",
    "plz": "postal_code",
    "postleitzahl": "postal_code",
    "ort": "city",
    "reichweite": "reach",
    "umkreis": "radius_km",
    "umkreis_km": "radius_km",
    "internetseite": "website",
    "webseite": "website",
    "e_mail": "email",
    "telefon": "phone",
    "öffnungszeiten": "opening_hours",
    "barrierefreiheit": "accessibility",
    "kontakt_e_mail": "contact_email",
    "e_mail_für_rückfragen": "contact_email",
}
REQUIRED = ["name", "description", "services", "contact_email"]
REACH_WORDS = {
    "": InitiativeReach.LOCAL,
    "lokal": InitiativeReach.LOCAL,
    "vor ort": InitiativeReach.LOCAL,
    "bundesweit": InitiativeReach.NATIONWIDE,
    "online": InitiativeReach.ONLINE,
}
TEXT_FIELDS = ("street", "city", "website", "email", "phone", "opening_hours", "accessibility", "contact_email")
_LIST_SPLIT = re.compile(r"[,;|]")


def parse_choices(value: str, choices, column: str) -> int:
    positions = []
    for part in _LIST_SPLIT.split(value):
        text = part.strip()
        if not text:
            continue
        for choice in choices:
            if text.upper() == choice.name or text.casefold() == str(choice.label).casefold():
                positions.append(choice.value)
                break
        else:
            known = ", ".join(str(choice.label) for choice in choices)
            raise RowError(f"{column}: unknown value {text!r} (known: {known})")
    return to_mask(positions)


def parse_reach(value: str) -> str:
    text = value.strip().casefold()
    if text in InitiativeReach.values:
        return text
    for reach in InitiativeReach:
        if text == str(reach.label).casefold():
            return reach.value
    if text in REACH_WORDS:
        return REACH_WORDS[text]
    raise RowError(f"reach must be lokal, bundesweit or online, not {value!r}")


def parse_radius(value: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise RowError(f"radius_km must be a whole number of km, not {value!r}")
    return int(text)


def row_fields(row: dict[str, str]) -> dict:
    cell = {name: csv_unneutralise(value) for name, value in row.items() if name is not None}
    name = " ".join(cell.get("name", "").split())
    if not name:
        raise RowError("name is empty")
    postal_code = None
    if cell.get("postal_code"):
        postal_code = postal_code_get(code=cell["postal_code"])
        if postal_code is None:
            raise RowError(f"unknown postal code {cell['postal_code']!r}")
    fields = {
        "name": name,
        "description": cell.get("description", ""),
        "services": parse_choices(cell.get("services", ""), InitiativeService, "services"),
        "languages": (
            parse_choices(cell["languages"], Language, "languages")
            if cell.get("languages")
            else to_mask([Language.GERMAN])
        ),
        "postal_code": postal_code,
        "reach": parse_reach(cell.get("reach", "")),
        "radius_km": parse_radius(cell.get("radius_km", "")),
        **{name: cell.get(name, "") for name in TEXT_FIELDS},
    }
    return fields


def make_row_handler(*, publish: bool):
    def handle_row(row: dict[str, str]) -> str:
        fields = row_fields(row)
        postal_code = fields["postal_code"]
        initiative = (
            Initiative.objects.filter(name__iexact=fields["name"], postal_code=postal_code).select_for_update().first()
        )
        outcome = CREATED
        if initiative is None:
            initiative = Initiative(state=InitiativeState.SUBMITTED)
        else:
            before = {name: getattr(initiative, name) for name in fields}
            outcome = UNCHANGED if before == fields else UPDATED
        for name, value in fields.items():
            setattr(initiative, name, value)
        if publish and initiative.state == InitiativeState.SUBMITTED:
            now = timezone.now()
            initiative.state = InitiativeState.PUBLISHED
            initiative.published_at = initiative.last_confirmed_at = now
            outcome = UPDATED if outcome == UNCHANGED else outcome
        if outcome != UNCHANGED:
            initiative_services.initiative_save(initiative=initiative)
        return outcome

    return handle_row


class Command(CsvImportCommand):
    help = "Imports partner initiatives from a CSV file (idempotent by name and postal code)."
    aliases = COLUMN_ALIASES
    required_columns = REQUIRED
    description = "Initiativen"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--publish", action="store_true", help="publish new entries right away (no mails are sent)")

    def row_handler(self, options: dict):
        return make_row_handler(publish=options["publish"])
