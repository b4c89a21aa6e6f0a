"""'Nicht zugelassen' becomes evidence: the debrief asks what was said, statistics count refusals per office."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.services import match_accept, match_ask, match_record_outcome
from matching.models import Match, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(
        username="koordination", email="k@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )


def refused(coordinator, office, number: int) -> Match:
    escort_request = make_request(office=office, starts_at=next_weekday_at(10, days_ahead=3 + number))
    match = match_accept(
        match=match_ask(escort_request=escort_request, volunteer=make_volunteer(number=number), actor=coordinator)
    )
    Match.objects.filter(pk=match.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=3))
    match.refresh_from_db()
    return match_record_outcome(match=match, outcome=Outcome.NOT_ADMITTED)


def test_the_debrief_asks_what_was_said_and_keeps_the_office(client, coordinator):
    office = make_office()
    match = refused(coordinator, office, 1)
    url = reverse("einsatz:feedback", args=[match.token])
    page = client.get(url).content.decode()
    assert 'id="refusal-form"' in page
    assert office.name in page
    client.post(url, {"refusal_said": "Begleitung nur mit Vollmacht – Eingangszone"})
    match.refresh_from_db()
    assert match.refused_by_office == office
    assert match.refusal_said == "Begleitung nur mit Vollmacht – Eingangszone"
    assert 'id="refusal-saved"' in client.get(url).content.decode()


def test_an_empty_debrief_is_refused_with_a_message(client, coordinator):
    match = refused(coordinator, make_office(), 1)
    url = reverse("einsatz:feedback", args=[match.token])
    response = client.post(url, {"refusal_said": "   "}, follow=True)
    assert "Bitte schreiben Sie kurz" in response.content.decode()
    match.refresh_from_db()
    assert match.refusal_said == ""


def test_statistics_count_refusals_per_office_and_follow_up_empties_the_queue(client, coordinator):
    strict = make_office(name="Jobcenter Streng")
    kind = make_office(name="Sozialamt Freundlich", code="47057")
    first = refused(coordinator, strict, 1)
    refused(coordinator, strict, 2)
    refused(coordinator, kind, 3)
    client.force_login(coordinator)
    html = client.get(reverse("admin:matching_statistics")).content.decode()
    table = html[html.index('id="refusals-by-office"') :]
    assert table.index("Jobcenter Streng") < table.index("Sozialamt Freundlich")
    assert "<td>Jobcenter Streng, Duisburg</td><td>2</td><td>2</td>" in table
    queue = reverse("admin:matching_accompanimentrequest_changelist") + "?warteschlange=nicht_zugelassen"
    assert client.get(queue).context["cl"].result_count == 3
    client.post(reverse("admin:matching_match_followed_up", args=[first.request_id, first.pk]))
    assert client.get(queue).context["cl"].result_count == 2
    html = client.get(reverse("admin:matching_statistics")).content.decode()
    assert "<td>Jobcenter Streng, Duisburg</td><td>2</td><td>1</td>" in html
