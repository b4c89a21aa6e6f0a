import pytest
from django.core.exceptions import ValidationError

from directory import selectors, services
from directory.choices import OfficeKind
from directory.models import Office

pytestmark = pytest.mark.django_db


def make(name="Jobcenter Duisburg Mitte", code="47051", **extra) -> Office:
    values = {"kind": OfficeKind.JOBCENTER, "street": "Wuhanstraße 6", "city": "Duisburg", "verified": True}
    values.update(extra)
    return services.office_create(name=name, postal_code=code, **values)


def test_an_office_takes_its_coordinates_from_the_postal_code():
    office = make()
    assert 51.3 < office.latitude < 51.5
    assert 6.6 < office.longitude < 6.9


def test_it_rejects_an_unknown_postal_code():
    with pytest.raises(ValidationError) as error:
        make(code="00000")
    assert error.value.messages == ["Diese Postleitzahl kennen wir nicht."]


def test_the_picker_finds_verified_offices_by_postal_code_or_city():
    office = make()
    make(name="Nur ungeprüft", verified=False)
    berlin = make(name="Jobcenter Berlin Mitte", code="10117", city="Berlin")
    assert list(selectors.offices_search(query="47051")) == [office]
    assert list(selectors.offices_search(query="4705")) == [office]
    assert list(selectors.offices_search(query="berlin")) == [berlin]
    assert list(selectors.offices_search(query="")) == []


def test_the_fallback_reuses_a_known_office_and_else_adds_an_unverified_one():
    office = make()
    assert (
        services.office_get_or_create_unverified(name="jobcenter duisburg mitte", street="", postal_code="47051")
        == office
    )
    new = services.office_get_or_create_unverified(name="Familienkasse NRW", street="Weg 1", postal_code="47051")
    assert new.verified is False
    assert new.kind == OfficeKind.FAMILY_BENEFITS


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Jobcenter Kreis Kleve", OfficeKind.JOBCENTER),
        ("Ausländerbehörde Essen", OfficeKind.IMMIGRATION),
        ("Amt für Soziales", OfficeKind.SOCIAL_WELFARE),
        ("Bürgerbüro", OfficeKind.OTHER),
    ],
)
def test_the_kind_of_a_new_office_is_guessed_from_its_name(name, kind):
    assert services.office_kind_guess(name=name) == kind


def test_coordinators_manage_offices_in_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("k", "k@mitlaeufer.example", "pw"))
    office = make(verified=False)
    assert client.get("/admin/directory/office/").status_code == 200
    assert client.get("/admin/directory/office/", {"q": "47051"}).context["cl"].result_count == 1
    assert client.get(f"/admin/directory/office/{office.pk}/change/").status_code == 200
    response = client.post(
        "/admin/directory/office/", {"action": "mark_verified", "_selected_action": [office.pk]}, follow=True
    )
    assert response.status_code == 200
    office.refresh_from_db()
    assert office.verified is True
