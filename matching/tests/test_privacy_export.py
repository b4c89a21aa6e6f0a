"""The volunteer's export comes from the register: every field filed under them, escorts and outcomes included."""

import json

import pytest

from core import privacy
from matching.engine.tests.helpers import make_office, make_request, next_weekday_at
from matching.matches.services import match_ask, match_decline
from matching.models import Match, MatchStatus, Outcome
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer_with_history(django_capture_on_commit_callbacks):
    volunteer = VolunteerFactory(display_name="Bettina", phone="0203 111111", user__email="bettina@beispiel.de")
    office = make_office()
    declined = make_request(office=office, starts_at=next_weekday_at(10))
    done = make_request(office=office, starts_at=next_weekday_at(15, days_ahead=5), first_name="Geheim")
    with django_capture_on_commit_callbacks(execute=True):
        match = match_ask(escort_request=declined, volunteer=volunteer, actor=None)
        match_decline(match=match, reason="Bin an dem Tag krank")
    Match.objects.create(
        request=done, volunteer=volunteer, status=MatchStatus.DONE, outcome=Outcome.TOOK_PLACE,
        starts_at=done.starts_at, ends_at=done.ends_at, blocked_from=done.starts_at, blocked_until=done.ends_at,
    )  # fmt: skip
    return volunteer


def test_the_json_export_holds_every_field_the_register_files_under_the_volunteer(client, volunteer_with_history):
    client.force_login(volunteer_with_history.user)
    response = client.get("/profil/meine-daten.json")
    data = json.loads(response.content)
    for entry in privacy.entries():
        if "volunteer" not in entry.owners:
            continue
        rows = data["records"][entry.model]
        expected = set(entry.classes()) - set(entry.secret)
        assert all(set(row) == expected for row in rows), entry.model
    assert {"auth.User", "volunteers.Volunteer", "matching.Match", "matching.MatchEvent"} <= set(data["records"])
    matches = data["records"]["matching.Match"]
    assert sorted((m["status"], m["decline_reason"], m["outcome"]) for m in matches) == [
        ("declined", "Bin an dem Tag krank", ""),
        ("done", "", "took_place"),
    ]
    # Secrets and other people's data stay out.
    content = response.content.decode()
    assert "Geheim" not in content and "ayse@beispiel.de" not in content
    assert volunteer_with_history.user.password not in content


def test_the_readable_export_shows_the_same_data(client, volunteer_with_history):
    client.force_login(volunteer_with_history.user)
    response = client.get("/profil/meine-daten/")
    content = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    for text in ("Bettina", "0203 111111", "bettina@beispiel.de", "Bin an dem Tag krank", "Grund der Absage"):
        assert text in content
    assert "/profil/meine-daten/" in client.get("/profil/").content.decode()
