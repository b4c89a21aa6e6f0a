"""Writes to the office directory."""

import logging

from django.db import transaction

from directory.choices import OfficeKind
from directory.models import Office
from directory.selectors import office_find
from geo.validators import validate_known_postal_code

logger = logging.getLogger(__name__)

# Set by Office.save() from the postal code, so not validated as input.
COMPUTED_FIELDS = ["latitude", "longitude"]

# Words in an office's name that give away its kind, checked in this order.
KIND_HINTS = [
    ("jobcenter", OfficeKind.JOBCENTER),
    ("agentur für arbeit", OfficeKind.EMPLOYMENT_AGENCY),
    ("arbeitsagentur", OfficeKind.EMPLOYMENT_AGENCY),
    ("familienkasse", OfficeKind.FAMILY_BENEFITS),
    ("ausländer", OfficeKind.IMMIGRATION),
    ("einwanderung", OfficeKind.IMMIGRATION),
    ("migration", OfficeKind.IMMIGRATION),
    ("wohngeld", OfficeKind.HOUSING_BENEFIT),
    ("sozial", OfficeKind.SOCIAL_WELFARE),
    ("grundsicherung", OfficeKind.SOCIAL_WELFARE),
    ("rente", OfficeKind.PENSION),
    ("gericht", OfficeKind.COURT),
]


def office_kind_guess(*, name: str) -> OfficeKind:
    """The kind an office's name suggests; coordinators check it when they verify the office."""
    lowered = name.lower()
    for hint, kind in KIND_HINTS:
        if hint in lowered:
            return kind
    return OfficeKind.OTHER


def office_create(
    *, name: str, kind: int, postal_code: str, street: str = "", city: str = "", verified: bool = False
) -> Office:
    validate_known_postal_code(postal_code)
    office = Office(name=name, kind=kind, postal_code_id=postal_code, street=street, city=city, verified=verified)
    office.full_clean(exclude=COMPUTED_FIELDS)
    office.save()
    logger.info("office created id=%s verified=%s", office.pk, verified)
    return office


@transaction.atomic
def office_get_or_create_unverified(*, name: str, street: str, postal_code: str) -> Office:
    """The fallback "Mein Amt ist nicht dabei": reuse a known office, else add an unverified one."""
    name = " ".join(name.split())
    existing = office_find(name=name, postal_code=postal_code)
    if existing is not None:
        return existing
    return office_create(
        name=name,
        kind=office_kind_guess(name=name),
        postal_code=postal_code,
        street=" ".join(street.split()),
        verified=False,
    )


def office_upsert(
    *, name: str, postal_code: str, kind: int, street: str = "", city: str = "", verified: bool = True
) -> tuple[Office, str]:
    """Create or update the office with this name and postal code (the import's identity).

    Returns the office and "created", "updated" or "unchanged".
    """
    office = office_find(name=name, postal_code=postal_code)
    if office is None:
        return office_create(
            name=name, kind=kind, postal_code=postal_code, street=street, city=city, verified=verified
        ), "created"
    wanted = {"kind": kind, "street": street, "city": city, "verified": verified}
    changed = [field for field, value in wanted.items() if getattr(office, field) != value]
    if not changed:
        return office, "unchanged"
    for field in changed:
        setattr(office, field, wanted[field])
    office.full_clean(exclude=COMPUTED_FIELDS)
    office.save(update_fields=[*changed, "updated_at"])
    return office, "updated"
