"""A regional coordinator's work beyond the lists: notices, asking, phone intake, "Woche planen", the setup."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import OutgoingMail
from geo.coordinators import coordinator_addresses_for
from geo.models import Region
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.models import AccompanimentRequest, Match
from matching.requests.form_layout import NEW_OFFICE
from matching.requests.notices import Event, request_notify
from matching.requests.tests.helpers import form_data
from matching.tests.region_world import two_regions

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds():
    return two_regions()


@pytest.fixture
def national(django_user_model):
    return django_user_model.objects.create_user("national", "national@koordination.example", is_staff=True)


def test_a_new_request_is_told_to_its_regions_coordinators_only(worlds, national, settings):
    berlin, ruhr = worlds
    settings.COORDINATOR_EMAILS = ["team@koordination.example"]
    assert coordinator_addresses_for(postal_code_id="10117") == ["berlin@koordination.example"]
    assert coordinator_addresses_for(postal_code_id="47051") == ["ruhr@koordination.example"]

    request_notify(request_id=berlin.escort_request.pk, event=Event.CREATED)

    mail = OutgoingMail.objects.get(key__endswith=":coordinators")
    assert mail.bcc == ["berlin@koordination.example"]


def test_without_a_regional_coordinator_the_national_ones_are_told(worlds, national, settings):
    berlin, _ruhr = worlds
    settings.COORDINATOR_EMAILS = ["team@koordination.example"]
    boss = get_user_model().objects.create_user("boss", "boss@koordination.example", is_staff=True, is_superuser=True)
    berlin.region.coordinators.add(boss)  # a superuser stays national, whatever their regions
    Region.objects.create(name="Hamburg", slug="hamburg", prefixes="20 21 22")
    national_addresses = {"team@koordination.example", "national@koordination.example", "boss@koordination.example"}

    # A region nobody coordinates, and a postal code in no region.
    assert set(coordinator_addresses_for(postal_code_id="20095")) == national_addresses
    assert set(coordinator_addresses_for(postal_code_id="80331")) == national_addresses
    berlin.coordinator.is_active = False
    berlin.coordinator.save()
    assert set(coordinator_addresses_for(postal_code_id="10117")) == national_addresses


def test_a_regional_coordinator_asks_proposed_people_across_the_border_but_no_one_else(client, worlds):
    berlin, ruhr = worlds
    client.force_login(berlin.coordinator)
    outsider = make_volunteer(number=3, code="47057")  # Ruhr, not proposed for the Berlin request
    url = reverse("admin:matching_request_ask", args=[berlin.escort_request.pk, outsider.pk])
    assert client.post(url).status_code == 404
    assert not Match.objects.filter(volunteer=outsider).exists()

    # The request's own proposals may live anywhere: the nearest people count, not the border.
    berlin.escort_request.proposals.create(volunteer=outsider, rank=2, distance_km=3.0, reasons=[])
    client.post(url)
    assert Match.objects.filter(volunteer=outsider, request=berlin.escort_request).exists()


def test_phone_intake_offers_and_accepts_offices_of_the_own_region_only(client, worlds):
    berlin, ruhr = worlds
    client.force_login(berlin.coordinator)
    url = reverse("admin:matching_request_phone")
    page = client.post(url, {"office_query": "47051", "search": "1"}).content.decode()
    assert "Jobcenter Ruhr" not in page
    assert "Jobcenter Berlin" in client.post(url, {"office_query": "10117", "search": "1"}).content.decode()

    data = form_data(ruhr.office, email="", phone="0203 123456", letter_language="de")
    before = AccompanimentRequest.objects.count()
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Bitte wählen Sie ein Amt aus der Liste." in refused.content.decode()

    data.update(office=NEW_OFFICE, new_office_name="Sozialamt Mülheim", new_office_postal_code="45468")
    refused = client.post(url, data).content.decode()
    assert "nicht in Ihrer Region" in refused
    assert AccompanimentRequest.objects.count() == before

    accepted = client.post(url, form_data(berlin.office, email="", phone="030 123456", letter_language="de"))
    assert accepted.status_code == 302
    assert AccompanimentRequest.objects.count() == before + 1


def test_the_week_plan_of_a_regional_coordinator_holds_their_region_only(client, worlds):
    berlin, ruhr = worlds
    for world, code in ((berlin, "10117"), (ruhr, "47051")):
        make_request(office=world.office, starts_at=next_weekday_at(11, days_ahead=2), first_name=world.marker)
        make_volunteer(number=10 + len(code) + int(code[0]), code=code)
    client.force_login(berlin.coordinator)

    page = client.get(reverse("admin:matching_week_plan"), {"plz": "", "tage": "7"})

    plan = page.context["plan"]
    planned = [p.escort_request for p in plan.pairs] + [u.escort_request for u in plan.uncovered]
    planned += plan.already_asked
    assert planned
    assert "Berlin" in page.content.decode().split('id="my-regions"')[1][:200]
    assert {r.office_id for r in planned} == {berlin.office.pk}
    foreign_pairs = f"{ruhr.escort_request.pk}:{ruhr.volunteer.pk}"
    response = client.post(reverse("admin:matching_week_plan_ask"), {"pairs": foreign_pairs})
    assert response.status_code == 400


def test_create_coordinator_makes_a_regional_coordinator_with_the_groups_permissions(worlds):
    berlin, _ruhr = worlds
    user = berlin.coordinator
    assert user.is_staff and not user.is_superuser
    assert list(user.coordinated_regions.all()) == [berlin.region]
    assert user.has_perm("matching.change_accompanimentrequest")
    assert user.has_perm("volunteers.view_volunteer")
    assert not user.has_perm("auth.view_user")
    assert not user.has_perm("core.view_outgoingmail")
    with pytest.raises(CommandError):
        call_command("create_coordinator", "x@koordination.example", "--region", "atlantis")


def test_a_superuser_cannot_be_made_a_regional_coordinator_in_the_admin(client, worlds, django_user_model):
    berlin, _ruhr = worlds
    boss = django_user_model.objects.create_user("boss", "boss@koordination.example", is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.post(
        reverse("admin:geo_region_change", args=[berlin.region.pk]),
        {"name": "Berlin", "slug": "berlin", "prefixes": "10 12 13", "coordinators": [boss.pk]},
    )
    assert response.status_code == 200
    assert "Superuser sehen immer ganz Deutschland" in response.content.decode()
    assert list(berlin.region.coordinators.all()) == [berlin.coordinator]


def test_a_region_with_two_offices_shows_the_region_filter_to_someone_with_two_regions(client, worlds):
    berlin, ruhr = worlds
    ruhr.region.coordinators.add(berlin.coordinator)
    client.force_login(berlin.coordinator)
    page = client.get(reverse("admin:matching_accompanimentrequest_changelist")).content.decode()
    assert "?region=" in page
    only_ruhr = client.get(reverse("admin:matching_accompanimentrequest_changelist"), {"region": ruhr.region.pk})
    assert list(only_ruhr.context["cl"].queryset) == [ruhr.escort_request]
    # With one region there is nothing to choose.
    client.force_login(ruhr.coordinator)
    assert "?region=" not in client.get(reverse("admin:volunteers_volunteer_changelist")).content.decode()
    assert make_office(code="12043", name="Bürgeramt Neukölln").postal_code.region == berlin.region
