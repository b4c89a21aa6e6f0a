"""The audit trail: changes in the admin and looks at contact data are recorded; the purge empties the values."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.services import match_ask
from matching.models import AccompanimentRequest, Match
from matching.requests.purge import requests_erase
from volunteers import services as volunteer_services
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(
        username="koordination", email="k@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )


def entries(instance, model=None):
    content_type = ContentType.objects.get_for_model(model or instance.__class__)
    return LogEntry.objects.filter(content_type=content_type, object_pk=str(instance.pk)).order_by("timestamp")


def test_a_change_in_the_admin_is_recorded_with_who_and_what(client, coordinator):
    escort_request = make_request(office=make_office(), starts_at=next_weekday_at(10), phone="0203 1")
    client.force_login(coordinator)
    url = reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"internal_notes": "ruft nachmittags an", "phone": "0203 4711"})
    for prefix in ("calls", "referrals"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = entries(escort_request).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == coordinator
    assert change.changes["phone"] == ["0203 1", "0203 4711"]
    assert "token" not in change.changes


def test_opening_a_page_with_contact_data_is_recorded(client, coordinator):
    escort_request = make_request(office=make_office(), starts_at=next_weekday_at(10))
    volunteer = make_volunteer(number=1)
    client.force_login(coordinator)
    client.get(reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk]))
    client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    client.get(reverse("admin:matching_request_confirmation", args=[escort_request.pk]))
    assert entries(escort_request).filter(action=LogEntry.Action.ACCESS, actor=coordinator).count() == 2
    assert entries(volunteer).filter(action=LogEntry.Action.ACCESS, actor=coordinator).count() == 1


def test_a_match_asked_by_a_coordinator_is_in_the_trail(coordinator):
    escort_request = make_request(office=make_office(), starts_at=next_weekday_at(10))
    match = match_ask(escort_request=escort_request, volunteer=make_volunteer(number=1), actor=coordinator)
    assert entries(match, Match).filter(action=LogEntry.Action.CREATE).count() == 1


def test_the_purge_empties_the_recorded_values_and_keeps_who_and_when(client, coordinator):
    escort_request = make_request(
        office=make_office(), starts_at=next_weekday_at(10), email="ayse@beispiel.de", first_name="Ayşe"
    )
    escort_request.phone = "0203 4711"
    escort_request.save()
    client.force_login(coordinator)
    client.get(reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk]))
    assert "ayse@beispiel.de" in str(list(entries(escort_request).values()))
    requests_erase(request_ids=[escort_request.pk])
    trail = list(entries(escort_request, AccompanimentRequest).values())
    assert len(trail) == 3  # created, changed, opened
    text = str(trail)
    assert "ayse@beispiel.de" not in text and "Ayşe" not in text and "4711" not in text
    assert {row["action"] for row in trail} == {LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.ACCESS}


def test_erasing_a_volunteer_empties_their_trail_including_the_deletion(coordinator):
    volunteer = make_volunteer(number=7)
    volunteer.phone = "0170 777"
    volunteer.save()
    volunteer_id = volunteer.pk
    volunteer_services.volunteer_erase(volunteer=Volunteer.objects.get(pk=volunteer_id))
    content_type = ContentType.objects.get_for_model(Volunteer)
    trail = list(LogEntry.objects.filter(content_type=content_type, object_pk=str(volunteer_id)).values())
    assert {row["action"] for row in trail} >= {LogEntry.Action.CREATE, LogEntry.Action.DELETE}
    text = str(trail)
    assert "0170 777" not in text and "Freiwillige 7" not in text
