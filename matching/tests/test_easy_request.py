"""The request in Leichte Sprache: the same validation and the same request as the full form."""

import pytest
from django.core import mail

from matching.models import AccompanimentRequest
from matching.tests.request_helpers import in_days, office

pytestmark = pytest.mark.django_db

URL = "/anfrage/einfach/"


def answer(client, step: str, **data):
    return client.post(URL, {"step": step, **data})


def walk(client, the_office, **overrides) -> None:
    client.get(URL + "?neu=1")
    steps = {
        "name": {"first_name": "Ayşe"},
        "contact": {"email": "ayse@beispiel.de"},
        "office": {"office_query": the_office.postal_code_id, "office": str(the_office.pk)},
        "date": {"date": in_days(4).date().isoformat()},
        "time": {"time": "11:00"},
    }
    for step, data in steps.items():
        response = answer(client, step, **{**data, **overrides.get(step, {})})
        assert response.status_code == 302, (step, response.content.decode()[:2000])


def test_the_last_screen_creates_the_same_request_as_the_full_form(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    jobcenter = office()
    walk(client, jobcenter)
    response = answer(client, "check", consent="on")
    escort_request = AccompanimentRequest.objects.get()
    assert response["Location"] == f"/anfrage/{escort_request.token}/"
    assert (escort_request.first_name, escort_request.email, escort_request.office) == (
        "Ayşe",
        "ayse@beispiel.de",
        jobcenter,
    )
    assert escort_request.consent_given_at is not None
    assert escort_request.languages == 1
    # The answers leave the session with the request.
    assert "matching_easy_request" not in client.session
    assert client.get(response["Location"]).status_code == 200
    del mail.outbox[:]


def test_each_screen_checks_its_answer_with_the_forms_rules(client):
    client.get(URL + "?neu=1")
    assert answer(client, "name", first_name="Ayşe").status_code == 302
    content = answer(client, "contact", phone="abc").content.decode()
    assert "Bitte geben Sie eine Telefonnummer nur mit Ziffern ein" in content
    content = answer(client, "contact", phone="", email="").content.decode()
    assert content.count("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an") == 1


def test_a_day_in_the_past_is_refused_on_its_own_screen(client):
    jobcenter = office()
    walk(client, jobcenter)
    content = answer(client, "date", date=in_days(-2).date().isoformat()).content.decode()
    assert "Dieser Termin liegt in der Vergangenheit." in content


def test_without_consent_nothing_is_saved(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    walk(client, office())
    content = answer(client, "check").content.decode()
    assert "Ohne Ihr Einverständnis können wir keine Begleitung suchen." in content
    assert not AccompanimentRequest.objects.exists()


def test_my_office_is_missing_adds_one_screen_for_its_name(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    jobcenter = office()
    walk(client, jobcenter, office={"office": "new"})
    # The walk went on to the day; the office's name is still missing.
    response = client.get(URL + "?schritt=new_office")
    assert "Wie heißt Ihr Amt?" in response.content.decode()
    assert "Frage 4 von 7" in response.content.decode()
    response = answer(client, "new_office", new_office_name="Sozialamt Mitte", new_office_postal_code="47051")
    assert response.status_code == 302
    answer(client, "check", consent="on")
    assert AccompanimentRequest.objects.get().office.name == "Sozialamt Mitte"


def test_screens_further_on_than_reached_cannot_be_skipped_to(client):
    client.get(URL + "?neu=1")
    assert "Wie heißen Sie?" in client.get(URL + "?schritt=check").content.decode()


def test_a_bot_filling_the_honeypot_gets_no_request(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    jobcenter = office()
    walk(client, jobcenter, name={"hp_contact": "spam"})
    assert answer(client, "check", consent="on").status_code == 400
    assert not AccompanimentRequest.objects.exists()
