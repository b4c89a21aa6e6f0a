"""The request in Leichte Sprache: the same validation and the same request as the full form."""

import re

import pytest
from django.core import signing

from matching.models import AccompanimentRequest
from matching.requests.easy import STATE_SALT
from matching.requests.tests.helpers import in_days, office

pytestmark = pytest.mark.django_db

URL = "/anfrage/einfach/"


class Person:
    """Answers screen after screen, sending back the signed state each page carries."""

    def __init__(self, client):
        self.client = client
        self.response = client.get(URL)

    @property
    def page(self) -> str:
        return self.response.content.decode()

    @property
    def state(self) -> str:
        return re.search(r'name="state" value="([^"]+)"', self.page).group(1)

    def answer(self, step: str, **data):
        self.response = self.client.post(URL, {"step": step, "state": self.state, **data})
        return self.response


STEPS = {
    "name": {"first_name": "Ayşe"},
    "contact": {"email": "ayse@beispiel.de"},
    "office": {"office_query": "47051"},
    "date": {"date": in_days(4).date().isoformat()},
    "time": {"time": "11:00"},
}


def walk(person: Person, the_office, **overrides) -> None:
    for step, data in STEPS.items():
        data = {**data, **({"office": str(the_office.pk)} if step == "office" else {}), **overrides.get(step, {})}
        response = person.answer(step, **data)
        assert response.status_code == 200 and "error-summary" not in person.page, (step, person.page[:3000])


def test_the_last_screen_creates_the_same_request_as_the_full_form(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    jobcenter = office()
    person = Person(client)
    walk(person, jobcenter)
    assert "Stimmt alles?" in person.page
    response = person.answer("check", consent="on")
    escort_request = AccompanimentRequest.objects.get()
    assert response["Location"] == f"/anfrage/{escort_request.token}/"
    assert (escort_request.first_name, escort_request.email, escort_request.office) == (
        "Ayşe",
        "ayse@beispiel.de",
        jobcenter,
    )
    assert escort_request.consent_given_at is not None
    assert escort_request.languages == 1


def test_nothing_personal_is_kept_on_the_server_before_sending(client):
    person = Person(client)
    person.answer("name", first_name="Ayşe")
    assert "Ayşe" not in str(dict(client.session))
    assert signing.loads(person.state, salt=STATE_SALT)["answers"]["first_name"] == "Ayşe"


def test_a_changed_state_starts_over(client):
    person = Person(client)
    person.answer("name", first_name="Ayşe")
    response = client.post(URL, {"step": "contact", "state": person.state[:-2] + "xx", "phone": "0203 123456"})
    assert "Wie heißen Sie?" in response.content.decode()


def test_each_screen_checks_its_answer_with_the_forms_rules(client):
    person = Person(client)
    person.answer("name", first_name="Ayşe")
    assert "Diese Telefonnummer stimmt nicht" in person.answer("contact", phone="abc").content.decode()
    content = person.answer("contact", phone="", email="").content.decode()
    assert content.count("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an") == 1


def test_a_day_in_the_past_is_refused_on_its_own_screen(client):
    person = Person(client)
    walk(person, office())
    person.answer("time", goto="date")
    assert "An welchem Tag ist Ihr Termin?" in person.page
    content = person.answer("date", date=in_days(-2).date().isoformat()).content.decode()
    assert "Dieser Termin liegt in der Vergangenheit." in content


def test_without_consent_nothing_is_saved(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    person = Person(client)
    walk(person, office())
    content = person.answer("check").content.decode()
    assert "Ohne Ihr Einverständnis können wir keine Begleitung suchen." in content
    assert not AccompanimentRequest.objects.exists()


def test_my_office_is_missing_adds_one_screen_for_its_name(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    person = Person(client)
    for step in ("name", "contact"):
        person.answer(step, **STEPS[step])
    person.answer("office", office_query="99999", office="new")
    assert "Wie heißt Ihr Amt?" in person.page
    assert "Frage 4 von 7" in person.page
    person.answer("new_office", new_office_name="Sozialamt Mitte", new_office_postal_code="47051")
    person.answer("date", **STEPS["date"])
    person.answer("time", **STEPS["time"])
    person.answer("check", consent="on")
    assert AccompanimentRequest.objects.get().office.name == "Sozialamt Mitte"


def test_a_change_from_the_last_screen_leads_back_to_it(client, settings):
    person = Person(client)
    walk(person, office())
    person.answer("check", goto="name")
    assert "Wie heißen Sie?" in person.page
    person.answer("name", first_name="Ayla")
    assert "Stimmt alles?" in person.page and "Ayla" in person.page


def test_screens_not_reached_yet_cannot_be_skipped_to(client):
    person = Person(client)
    person.answer("name", first_name="Ayşe", goto="check")
    assert "Wie erreichen wir Sie?" in person.page


def test_a_bot_filling_the_honeypot_gets_no_request(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    person = Person(client)
    walk(person, office(), name={"hp_contact": "spam"})
    assert person.answer("check", consent="on").status_code == 400
    assert not AccompanimentRequest.objects.exists()
