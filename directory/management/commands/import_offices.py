"""Import offices from a CSV file: ``python manage.py import_offices FILE.csv [--dry-run]``.

Columns (header line required, comma or semicolon, UTF-8; German names work too):

    name (Name), kind (Art), street (Straße), postal_code (PLZ), city (Ort), verified (geprüft, optional)

``kind`` is a label ("Jobcenter", "Sozialamt", …), a constant (JOBCENTER) or its number.
``verified`` defaults to yes: imported offices come from the coordination team.

Idempotent: an office is identified by its name (any case) and postal code, so
running the same file twice creates nothing new. Every bad row is reported with
its line number and the reason; the good rows are imported.
"""

from core.csv_import import CsvImportCommand, RowError
from directory import services
from directory.choices import OfficeKind

# German column names people are likely to use, mapped to ours.
COLUMN_ALIASES = {
    "name": "name",
    "bezeichnung": "name",
    "kind": "kind",
    "art": "kind",
    "street": "street",
    "straße": "street",
    "strasse": "street",
    "adresse": "street",
    "postal_code": "postal_code",
    "plz": "postal_code",
    "postleitzahl": "postal_code",
    "city": "city",
    "ort": "city",
    "stadt": "city",
    "verified": "verified",
    "geprüft": "verified",
    "geprueft": "verified",
}
REQUIRED = ["name", "kind", "postal_code"]
TRUE = {"1", "true", "yes", "ja", "j", "y", "x", "wahr"}
FALSE = {"0", "false", "no", "nein", "n", "falsch"}


def parse_kind(value: str) -> int:
    text = value.strip()
    if text.isdigit() and int(text) in OfficeKind.values:
        return int(text)
    for kind in OfficeKind:
        if text.upper() == kind.name or text.casefold() == str(kind.label).casefold():
            return kind.value
    known = ", ".join(str(kind.label) for kind in OfficeKind)
    raise RowError(f"unknown kind {text!r} (known: {known})")


def parse_bool(value: str) -> bool:
    text = value.strip().lower()
    if text == "" or text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RowError(f"verified must be yes or no, not {value!r}")


def handle_row(row: dict[str, str]) -> str:
    name = " ".join(row.get("name", "").split())
    if not name:
        raise RowError("name is empty")
    postal_code = row.get("postal_code", "")
    if not postal_code:
        raise RowError("postal_code is empty")
    _, outcome = services.office_upsert(
        name=name,
        postal_code=postal_code,
        kind=parse_kind(row.get("kind", "")),
        street=" ".join(row.get("street", "").split()),
        city=" ".join(row.get("city", "").split()),
        verified=parse_bool(row.get("verified", "")),
    )
    return outcome


class Command(CsvImportCommand):
    help = "Imports offices from a CSV file (idempotent by name and postal code)."
    aliases = COLUMN_ALIASES
    required_columns = REQUIRED
    description = "Ämter"

    def row_handler(self, options: dict):
        return handle_row
