"""The office search of the request form: by postal code (nearest first), by words, by street."""

import pytest

from directory import selectors, services
from directory.choices import OfficeKind
from directory.models import Office

pytestmark = pytest.mark.django_db


def make(name: str, code: str, city: str, kind: int = OfficeKind.JOBCENTER, street: str = "", **extra) -> Office:
    return services.office_create(name=name, postal_code=code, city=city, kind=kind, street=street, verified=True)


@pytest.fixture
def offices() -> dict[str, Office]:
    return {
        "berlin": make("Jobcenter Berlin Mitte", "10117", "Berlin", street="Seydelstraße 2"),
        "pankow": make("Jobcenter Berlin Pankow", "13187", "Berlin", street="Storkower Straße 133"),
        "duisburg_social": make(
            "Amt für Soziales und Wohnen", "47051", "Duisburg", kind=OfficeKind.SOCIAL_WELFARE, street="Schwanenstr. 5"
        ),
        "duisburg_jobcenter": make("Jobcenter Duisburg Mitte", "47051", "Duisburg", street="Wuhanstraße 6"),
        "munich": make(
            "Kreisverwaltungsreferat", "80331", "München", kind=OfficeKind.IMMIGRATION, street="Ruppertstraße 19"
        ),
        "cologne": make("Ausländeramt Köln", "50667", "Köln", kind=OfficeKind.IMMIGRATION),
    }


def found(query: str) -> list[str]:
    return [office.name for office in selectors.offices_search(query=query)]


def test_a_neighbouring_postal_code_lists_the_nearest_offices_first_with_their_distance(offices):
    results = list(selectors.offices_search(query="10115"))
    assert [office.name for office in results] == ["Jobcenter Berlin Mitte", "Jobcenter Berlin Pankow"]
    assert 0 < results[0].distance_km < 3
    assert results[0].distance_km < results[1].distance_km < 10


def test_a_postal_code_far_from_every_office_finds_none():
    make("Jobcenter Berlin Mitte", "10117", "Berlin")
    assert found("80331") == []


def test_digits_still_match_postal_codes_by_prefix(offices):
    assert found("4705") == ["Amt für Soziales und Wohnen", "Jobcenter Duisburg Mitte"]


def test_a_common_name_finds_the_office_of_that_kind(offices):
    assert found("Sozialamt") == ["Amt für Soziales und Wohnen"]
    assert found("sozialamt duisburg") == ["Amt für Soziales und Wohnen"]


def test_kind_and_city_find_the_office_in_that_city(offices):
    assert found("Ausländerbehörde München") == ["Kreisverwaltungsreferat"]
    assert found("Auslaenderbehoerde Muenchen") == ["Kreisverwaltungsreferat"]
    assert found("Ausländerbehörde") == ["Ausländeramt Köln", "Kreisverwaltungsreferat"]


def test_parts_of_words_and_streets_find_the_office(offices):
    assert found("Pank") == ["Jobcenter Berlin Pankow"]
    assert found("Wuhanstrasse") == ["Jobcenter Duisburg Mitte"]
    assert found("Seydelstr.") == ["Jobcenter Berlin Mitte"]
    assert found("jobcenter mitte duisburg") == ["Jobcenter Duisburg Mitte"]


def test_words_and_a_postal_code_together_sort_by_distance(offices):
    assert found("Jobcenter 10115") == ["Jobcenter Berlin Mitte", "Jobcenter Berlin Pankow"]


def test_unverified_offices_empty_queries_and_noise_find_nothing(offices):
    make("Nur ungeprüft Berlin", "10117", "Berlin").__class__.objects.filter(name="Nur ungeprüft Berlin").update(
        verified=False
    )
    assert "Nur ungeprüft Berlin" not in found("Berlin")
    assert found("") == []
    assert found("   ---  ") == []
    assert found("der die das") == []
    assert found("Xylophon") == []


def test_a_word_names_the_kinds_people_mean():
    assert selectors.office_kinds_named(word="Sozialamt") == [OfficeKind.SOCIAL_WELFARE]
    assert selectors.office_kinds_named(word="Arbeitsagentur") == [OfficeKind.EMPLOYMENT_AGENCY]
    assert selectors.office_kinds_named(word="Kindergeld") == [OfficeKind.FAMILY_BENEFITS]
    assert selectors.office_kinds_named(word="Berlin") == []
