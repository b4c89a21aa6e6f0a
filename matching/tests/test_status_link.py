"""The status link cannot get lost: first on the confirmation, copy/share/mail/print/QR, find it again by e-mail."""

import time

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from core.spam import form_started_token
from matching.models import AccompanimentRequest
from matching.requests.tests.helpers import form_data, make_request, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run an action and then what it queued on commit (the test's transaction never commits)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_the_confirmation_shows_the_link_first_with_every_way_to_keep_it(client):
    response = client.post("/anfrage/", form_data(office()), follow=True)
    escort_request = AccompanimentRequest.objects.get()
    soup = soup_of(response)
    main = soup.select_one("main")
    first_section = main.select_one("section")
    assert first_section["id"] == "status-link-box"
    assert first_section.select_one("#status-link").get_text(strip=True).endswith(f"/anfrage/{escort_request.token}/")
    buttons = [" ".join(b.get_text().split()) for b in first_section.select("button, a.btn")]
    assert buttons == ["Link kopieren", "Link teilen", "Link per E-Mail an mich", "Link ausdrucken"]
    # Copy and share need JavaScript: hidden until static/js/status-link.js shows them.
    assert first_section.select_one("#copy-link").has_attr("hidden")
    assert first_section.select_one("svg.status-qr") is not None
    assert first_section.select_one("#status-link-feedback")["role"] == "status"
    # Only same-origin scripts: the CSP forbids inline ones.
    assert all(script.get("src", "").startswith("/static/") for script in soup.select("script"))


def test_later_visits_show_the_state_first_and_the_link_further_down(client):
    client.post("/anfrage/", form_data(office()))
    token = AccompanimentRequest.objects.get().token
    client.get(f"/anfrage/{token}/")  # the confirmation
    soup = soup_of(client.get(f"/anfrage/{token}/"))
    assert soup.select_one("main section").get("id") != "status-link-box"
    assert soup.select_one("#status-link-box") is not None


def test_the_mail_after_the_request_repeats_the_link(client, committed):
    committed(client.post, "/anfrage/", form_data(office()))
    token = AccompanimentRequest.objects.get().token
    (message,) = mail.outbox
    assert f"/anfrage/{token}/" in message.body


def test_send_it_to_me_mails_the_link_once_in_a_while(client, committed):
    escort_request = make_request(email="ayse@beispiel.de")
    mail.outbox.clear()
    response = committed(client.post, f"/anfrage/{escort_request.token}/link-senden/", follow=True)
    assert "Wir schicken Ihnen den Link jetzt per E-Mail." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["ayse@beispiel.de"]
    assert message.subject == "Ihr persönlicher Link zu Ihrer Anfrage"
    assert f"/anfrage/{escort_request.token}/" in message.body
    response = committed(client.post, f"/anfrage/{escort_request.token}/link-senden/", follow=True)
    assert "vor kurzem geschickt" in response.content.decode()
    assert len(mail.outbox) == 1


def test_send_it_to_me_is_not_offered_without_an_address_and_not_for_a_wrong_token(client):
    escort_request = make_request(email="", phone="0203 123456")
    soup = soup_of(client.get(f"/anfrage/{escort_request.token}/"))
    assert soup.select_one(f'form[action="/anfrage/{escort_request.token}/link-senden/"]') is None
    assert client.post(f"/anfrage/{'x' * 43}/link-senden/").status_code == 404
    assert client.get(f"/anfrage/{escort_request.token}/link-senden/").status_code == 405


def test_the_print_view_shows_link_qr_code_and_appointment(client):
    escort_request = make_request()
    response = client.get(f"/anfrage/{escort_request.token}/drucken/")
    soup = soup_of(response)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert soup.select_one("#status-link").get_text(strip=True).endswith(f"/anfrage/{escort_request.token}/")
    assert soup.select_one("svg.status-qr") is not None
    assert "Jobcenter Duisburg Mitte" in soup.get_text()
    assert client.get(f"/anfrage/{'x' * 43}/drucken/").status_code == 404


def find(client, email: str, committed=None):
    post = client.post if committed is None else lambda *a, **k: committed(client.post, *a, **k)
    return post(
        "/anfrage/wiederfinden/",
        {"email": email, "hp_contact": "", "form_started": form_started_token(at=time.time() - 60)},
    )


def test_a_person_finds_their_requests_again_by_email(client, committed):
    first = make_request(email="ayse@beispiel.de")
    second = make_request(email="AYSE@beispiel.de", first_name="Ayşe", starts_at=first.starts_at.replace(hour=14))
    make_request(email="other@beispiel.de", starts_at=first.starts_at.replace(hour=16))
    mail.outbox.clear()
    response = find(client, "ayse@beispiel.de", committed)
    assert response.status_code == 200
    assert {message.to[0].lower() for message in mail.outbox} == {"ayse@beispiel.de"}
    bodies = " ".join(message.body for message in mail.outbox)
    assert f"/anfrage/{first.token}/" in bodies and f"/anfrage/{second.token}/" in bodies


def test_the_page_reveals_nothing_about_whether_the_address_is_known(client, committed):
    make_request(email="ayse@beispiel.de")
    mail.outbox.clear()
    known = find(client, "ayse@beispiel.de", committed).content.decode()
    unknown = find(client, "nobody@beispiel.de", committed).content.decode()
    strip = lambda html: BeautifulSoup(html, "html.parser").select_one("main").get_text()  # noqa: E731
    assert strip(known) == strip(unknown)
    assert len(mail.outbox) == 1


def test_finding_again_is_rate_limited_and_mails_an_address_once_in_a_while(client, committed, settings):
    settings.REQUEST_LINK_RATE_LIMIT = 2
    make_request(email="ayse@beispiel.de")
    mail.outbox.clear()
    find(client, "ayse@beispiel.de", committed)
    find(client, "ayse@beispiel.de", committed)
    assert len(mail.outbox) == 1
    assert find(client, "x@beispiel.de").status_code == 429


def test_a_wrong_address_gets_a_clear_message(client):
    response = find(client, "kein-at-zeichen")
    assert "Diese E-Mail-Adresse stimmt nicht." in response.content.decode()
