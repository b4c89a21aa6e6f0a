"""Regions: which postal codes a region covers, who coordinates it, and the default for Germany.

A region is a set of postal-code prefixes ("10 12 13"). Two regions may not share a postal code,
so no prefix of one region may start another region's prefix (or the other way round). Each
PostalCode row stores its region; ``postal_codes_assign_regions`` recomputes that after every
change, and everything that scopes by region joins through it.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from geo.models import PostalCode, Region

PREFIX = re.compile(r"^[0-9]{1,3}$")

# A sensible start, close to the federal states (the two-digit postal regions do not follow state borders
# exactly); the operator edits it in the admin. Every two-digit region in use belongs to one of these.
GERMANY_DEFAULT: tuple[tuple[str, str, str], ...] = (
    ("baden-wuerttemberg", "Baden-Württemberg", "68 69 70 71 72 73 74 75 76 77 78 79 88 89"),
    ("bayern", "Bayern", "80 81 82 83 84 85 86 87 90 91 92 93 94 95 96 97"),
    ("berlin", "Berlin", "10 11 12 13"),
    ("brandenburg", "Brandenburg", "03 14 15 16"),
    ("bremen-weser-ems", "Bremen und Weser-Ems", "26 27 28 49"),
    ("hamburg", "Hamburg", "20 21 22"),
    ("hessen", "Hessen", "34 35 36 60 61 62 63 64 65"),
    ("mecklenburg-vorpommern", "Mecklenburg-Vorpommern", "17 18 19"),
    ("niedersachsen", "Niedersachsen", "29 30 31 37 38"),
    ("nordrhein-westfalen", "Nordrhein-Westfalen", "32 33 40 41 42 43 44 45 46 47 48 50 51 52 53 57 58 59"),
    ("rheinland-pfalz-saarland", "Rheinland-Pfalz und Saarland", "54 55 56 66 67"),
    ("sachsen", "Sachsen", "01 02 04 08 09"),
    ("sachsen-anhalt", "Sachsen-Anhalt", "06 39"),
    ("schleswig-holstein", "Schleswig-Holstein", "23 24 25"),
    ("thueringen", "Thüringen", "07 98 99"),
)


def region_prefixes_clean(raw: str, *, exclude_region_id: int | None = None) -> str:
    """The prefixes as stored ("10 12 13", sorted), or a ValidationError saying what is wrong.

    Accepts spaces, commas or semicolons between prefixes.
    """
    # Empty parts come from a separator at either end (",10, 12,", pasted from a list): no prefix, no error.
    prefixes = sorted({part for part in re.split(r"[\s,;]+", raw) if part})
    if not prefixes:
        raise ValidationError(_("Bitte geben Sie mindestens einen Postleitzahl-Anfang an."))
    wrong = [prefix for prefix in prefixes if not PREFIX.match(prefix)]
    if wrong:
        raise ValidationError(
            _("Ein Postleitzahl-Anfang hat 1 bis 3 Ziffern. Nicht erlaubt: %(wrong)s") % {"wrong": ", ".join(wrong)}
        )
    for prefix in prefixes:
        inner = [other for other in prefixes if other != prefix and other.startswith(prefix)]
        if inner:
            raise ValidationError(
                _("„%(prefix)s“ enthält schon „%(inner)s“. Bitte nur einen davon angeben.")
                % {"prefix": prefix, "inner": inner[0]}
            )
    others = Region.objects.exclude(pk=exclude_region_id) if exclude_region_id else Region.objects.all()
    for other in others.only("name", "prefixes"):
        for theirs in other.prefix_list:
            for prefix in prefixes:
                if prefix.startswith(theirs) or theirs.startswith(prefix):
                    raise ValidationError(
                        _("„%(prefix)s“ überschneidet sich mit „%(theirs)s“ der Region %(region)s.")
                        % {"prefix": prefix, "theirs": theirs, "region": other.name}
                    )
    return " ".join(prefixes)


def prefixes_q(prefixes: list[str], field: str = "code") -> Q:
    """Matches any postal code (in ``field``) starting with one of the prefixes; nothing when empty."""
    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(**{f"{field}__startswith": prefix})
    return query


@transaction.atomic
def postal_codes_assign_regions() -> None:
    """Recompute every PostalCode's region from the regions' prefixes (~8,200 rows, a few UPDATEs)."""
    PostalCode.objects.exclude(region=None).update(region=None)
    for region in Region.objects.only("prefixes"):
        PostalCode.objects.filter(prefixes_q(region.prefix_list)).update(region=region)


class RegionsCoordinated(Exception):
    """Regions still have coordinators: deleting them would make those coordinators national (see below)."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


def regions_with_coordinators(regions: QuerySet[Region]) -> list[str]:
    """The names of these regions that someone coordinates.

    Such a region is not deleted: its coordinators would be left with no region, and someone assigned to
    no region is a national coordinator (``coordinator_region_ids``), who sees every request in Germany.
    """
    return list(regions.filter(coordinators__isnull=False).distinct().order_by("name").values_list("name", flat=True))


def regions_load_default(*, replace: bool = False) -> int:
    """Create the default regions for Germany; with ``replace`` the existing ones are deleted first.

    Existing regions are left alone otherwise (an operator's edits win). Returns how many were created.
    """
    with transaction.atomic():
        if replace:
            coordinated = regions_with_coordinators(Region.objects.all())
            if coordinated:
                raise RegionsCoordinated(coordinated)
            Region.objects.all().delete()
        elif Region.objects.exists():
            return 0
        Region.objects.bulk_create(
            Region(slug=slug, name=name, prefixes=prefixes) for slug, name, prefixes in GERMANY_DEFAULT
        )
        postal_codes_assign_regions()
    return len(GERMANY_DEFAULT)


def coordinator_region_ids(user) -> list[int] | None:
    """The regions a coordinator is limited to, or None for a national coordinator (sees all).

    Superusers and staff assigned to no region are national.
    """
    if user.is_superuser:
        return None
    cached = getattr(user, "_coordinator_region_ids", False)
    if cached is not False:
        return cached
    ids = list(user.coordinated_regions.values_list("pk", flat=True)) or None
    user._coordinator_region_ids = ids
    return ids


def regions_for(user) -> QuerySet[Region]:
    """The regions a coordinator sees: their own, or all for a national coordinator."""
    ids = coordinator_region_ids(user)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)


def postal_code_region(code: str) -> Region | None:
    return Region.objects.filter(postal_codes__code=code).first()
