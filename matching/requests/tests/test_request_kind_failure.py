"""The person's path in their language and a kind failure: the form survives the rate limit, the phone helps."""

import pytest
from django.core import mail

from matching.models import AccompanimentRequest
from matching.requests.services import request_create
from matching.requests.tests.helpers import form_data, in_days, office

pytestmark = pytest.mark.django_db

URL = "/anfrage/"


@pytest.fixture
def jobcenter():
    return office()


def test_a_request_sent_in_arabic_gets_its_mail_in_arabic(client, jobcenter, django_capture_on_commit_callbacks):
    client.post("/i18n/setlang/", {"language": "ar", "next": URL})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(jobcenter, first_name="Amal", email="amal@beispiel.de"))
    assert response.status_code == 302
    assert AccompanimentRequest.objects.get().language == "ar"
    [to_the_person] = [message for message in mail.outbox if message.to == ["amal@beispiel.de"]]
    assert to_the_person.subject.endswith("وصل طلبك إلى Mitläufer")
    assert "مرحبًا Amal،" in to_the_person.body
    assert "Ihre Anfrage" not in to_the_person.body


def test_the_rate_limit_keeps_what_was_typed_and_offers_the_phone(client, jobcenter, settings):
    settings.REQUEST_RATE_LIMIT = 1
    settings.COORDINATOR_PHONE = "0203 / 123 456"
    assert client.post(URL, form_data(jobcenter, time="9:00")).status_code == 302
    typed = form_data(jobcenter, time="12:00", first_name="Zeynep", email="zeynep@beispiel.de", message="Bitte langsam")
    response = client.post(URL, typed)
    assert response.status_code == 429
    content = response.content.decode()
    assert "Bitte versuchen Sie es später noch einmal" in content
    assert "Ihre Angaben stehen noch unten im Formular." in content
    assert 'value="Zeynep"' in content
    assert 'value="zeynep@beispiel.de"' in content
    assert "Bitte langsam</textarea>" in content
    assert 'href="tel:0203123456"' in content
    assert "is-invalid" not in content  # nothing was wrong with what they typed
    assert AccompanimentRequest.objects.count() == 1


def test_the_rate_limit_page_without_a_phone_number_shows_no_empty_link(client, jobcenter, settings):
    settings.REQUEST_RATE_LIMIT = 0
    settings.COORDINATOR_PHONE = ""
    response = client.post(URL, form_data(jobcenter))
    assert response.status_code == 429
    assert 'href="tel:' not in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/anfrage/", "/datenschutz/", "/initiativen/"])
def test_every_page_shows_the_central_phone_as_a_tel_link_when_set(client, settings, path):
    settings.COORDINATOR_PHONE = "+49 203 123-456"
    content = client.get(path).content.decode()
    assert '<a href="tel:+49203123456" dir="ltr">+49 203 123-456</a>' in content
    settings.COORDINATOR_PHONE = ""
    assert 'href="tel:' not in client.get(path).content.decode()


def test_the_privacy_page_names_every_cookie_an_anonymous_visitor_can_get(client):
    content = client.get("/datenschutz/").content.decode()
    assert "nur ein Cookie" not in content
    for cookie in ("csrftoken", "django_language", "sessionid"):
        assert f"„{cookie}“" in content


def make_request(jobcenter, language: str) -> AccompanimentRequest:
    escort_request, _created = request_create(
        office=jobcenter, first_name="Amal", phone="0203 123456", starts_at=in_days(4), language=language
    )
    return escort_request


def test_the_status_link_opens_in_the_language_the_person_asked_in(client, jobcenter):
    escort_request = make_request(jobcenter, "ar")
    for path in ("", "absagen/", "aendern/", "loeschen/"):
        content = client.get(f"/anfrage/{escort_request.token}/{path}").content.decode()
        assert '<html lang="ar" dir="rtl">' in content, path
    content = client.get(f"/anfrage/{escort_request.token}/").content.decode()
    assert "طلبك" in content


def test_a_language_chosen_on_this_phone_wins_over_the_request_s(client, jobcenter):
    escort_request = make_request(jobcenter, "ar")
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    content = client.get(f"/anfrage/{escort_request.token}/").content.decode()
    assert '<html lang="de">' in content
    assert "Ihre Anfrage" in content
