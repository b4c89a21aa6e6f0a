"""Reads of the office directory, and the office search of the request form."""

import re

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When

from directory.choices import OfficeKind
from directory.initiative_selectors import distance_km_expression
from directory.models import Office
from geo.models import PostalCode

OFFICE_SEARCH_LIMIT = 50
# A full postal code lists the offices nearest to it: this many, at most this far away.
OFFICE_NEAR_LIMIT = 10
OFFICE_NEAR_KM = 60
_DIGITS = re.compile(r"\A[0-9]{1,5}\Z")
_WORD = re.compile(r"[\w.-]+")

# How people name the kinds of offices: the official names differ from town to town ("Amt für
# Soziales" in Duisburg, "Sozialamt" elsewhere), so a word that names a kind finds its offices.
# Lower case; a query word matches when it is part of one of these, or one of these is part of it.
KIND_WORDS: dict[int, tuple[str, ...]] = {
    OfficeKind.JOBCENTER: ("jobcenter", "job-center", "bürgergeld", "arbeitslosengeld 2", "hartz"),
    OfficeKind.EMPLOYMENT_AGENCY: ("agentur für arbeit", "arbeitsagentur", "arbeitsamt", "arbeitslosengeld"),
    OfficeKind.SOCIAL_WELFARE: ("sozialamt", "amt für soziales", "sozialhilfe", "grundsicherung", "soziales"),
    OfficeKind.IMMIGRATION: (
        "ausländerbehörde",
        "ausländeramt",
        "einwanderungsbehörde",
        "landesamt für einwanderung",
        "zuwanderung",
        "aufenthalt",
        "migration",
    ),
    OfficeKind.HOUSING_BENEFIT: ("wohngeldstelle", "wohngeld", "wohnungsamt"),
    OfficeKind.FAMILY_BENEFITS: ("familienkasse", "kindergeld", "kinderzuschlag"),
    OfficeKind.PENSION: ("rentenversicherung", "rente", "drv"),
    OfficeKind.COURT: ("gericht", "sozialgericht", "amtsgericht", "verwaltungsgericht"),
}

# Words that name nothing an office could be found by.
_STOP_WORDS = frozenset({"am", "an", "auf", "das", "dem", "den", "der", "des", "die", "für", "im", "in", "und", "von"})
_SPELLINGS = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("strasse", "straße"))


def _words(query: str) -> list[str]:
    words = [word.strip(".-").lower() for word in _WORD.findall(query)]
    return [word for word in words if len(word) >= 2 and word not in _STOP_WORDS]


def _spellings(word: str) -> set[str]:
    """The word as typed and with umlauts and ß written out or in ("Auslaenderbehoerde", "Wuhanstrasse")."""
    variants = {word, word.removesuffix(".")}
    for plain, special in _SPELLINGS:
        variants |= {variant.replace(plain, special) for variant in variants}
        variants |= {variant.replace(special, plain) for variant in variants}
    return {variant for variant in variants if variant}


def office_kinds_named(*, word: str) -> list[int]:
    """The kinds of office a word names: "Sozialamt" and "soziales" both name the Sozialamt."""
    kinds = []
    for kind, names in KIND_WORDS.items():
        label = str(OfficeKind(kind).label).lower()
        for spelling in _spellings(word.lower()):
            if any(spelling in name or (len(name) >= 4 and name in spelling) for name in (*names, label)):
                kinds.append(kind)
                break
    return kinds


def _word_filter(word: str) -> Q:
    found = Q(kind__in=office_kinds_named(word=word)) if len(word) >= 3 else Q(pk__in=[])
    for spelling in _spellings(word):
        found |= Q(name__icontains=spelling) | Q(city__icontains=spelling) | Q(street__icontains=spelling)
    return found


def offices_search(
    *, query: str, limit: int = OFFICE_SEARCH_LIMIT, region_ids: list[int] | None = None
) -> QuerySet[Office]:
    """Verified offices for the request form's picker, best first; each carries ``distance_km`` (or None).

    The query is split into words. A full, known postal code lists the offices nearest to it (within
    ``OFFICE_NEAR_KM``, with their distance); shorter digits match postal codes by prefix ("470" finds
    470xx). Every other word is looked for in the name, city and street and in the names people use for
    the kinds of office; the offices that match the most words are listed. An empty query finds nothing:
    the picker must never list the whole country. ``region_ids`` limits it to offices in those regions
    (a regional coordinator taking a call); None means everywhere.
    """
    query = (query or "").strip()[:100]
    tokens = [token for token in _WORD.findall(query) if token.strip(".-")]
    codes = [token for token in tokens if _DIGITS.match(token)]
    words = _words(" ".join(token for token in tokens if token not in codes))
    if not codes and not words:
        return Office.objects.none()
    offices = Office.objects.filter(verified=True).select_related("postal_code")
    if region_ids is not None:
        offices = offices.filter(postal_code__region__in=region_ids)
    origin = next((PostalCode.objects.filter(code=c).first() for c in codes if len(c) == 5), None)
    if origin is not None:
        offices = offices.annotate(
            distance_km=distance_km_expression(latitude=origin.latitude, longitude=origin.longitude)
        ).filter(distance_km__lte=OFFICE_NEAR_KM)
        limit = min(limit, OFFICE_NEAR_LIMIT) if not words else limit
    else:
        offices = offices.annotate(distance_km=Value(None, output_field=IntegerField()))
        prefixes = Q()
        for code in codes:
            prefixes |= Q(postal_code__code__startswith=code)
        offices = offices.filter(prefixes)
    if words:
        score = sum(
            (Case(When(_word_filter(word), then=Value(1)), default=Value(0)) for word in words),
            start=Value(0),
        )
        offices = offices.annotate(score=score).filter(score__gte=1)
        # The offices that match the most words: "Ausländerbehörde München" lists Munich's office,
        # not every Ausländerbehörde, but "Sozialamt Duisbrug" (misspelt) still lists the Sozialämter.
        best = offices.aggregate(best=Max("score"))["best"]
        offices = offices.filter(score=best) if best else offices.none()
    ordering = ["distance_km", "city", "name", "postal_code_id"] if origin else ["city", "name", "postal_code_id"]
    return offices.order_by(*ordering)[:limit]


def office_get_for_request(*, office_id: int, region_ids: list[int] | None = None) -> Office | None:
    """An office a person may pick: a verified one (in one of ``region_ids``, unless None)."""
    offices = Office.objects.filter(pk=office_id, verified=True)
    if region_ids is not None:
        offices = offices.filter(postal_code__region__in=region_ids)
    return offices.first()


def office_find(*, name: str, postal_code: str) -> Office | None:
    """The office with this name (any case) at this postal code, verified or not."""
    return Office.objects.filter(name__iexact=name.strip(), postal_code_id=postal_code).first()
