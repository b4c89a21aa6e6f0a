"""The relay form of the public list, and the opt-in on /profil/."""

import time

import pytest
from django.core import mail

from core.models import OutgoingMail
from core.spam import form_started_token
from geo.models import Region
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    Region.objects.create(name="Ruhrgebiet", slug="ruhr", prefixes="44 45 46 47")
    return VolunteerFactory(
        display_name="Annegret",
        postal_code_id="47051",
        phone="0203 999888",
        listed_publicly=True,
        user__email="annegret@beispiel.de",
    )


def relay_url(volunteer) -> str:
    return f"/mitlaeuferliste/ruhr/schreiben/{volunteer.pk}/"


def message_data(**overrides) -> dict:
    data = {
        "message": "Ich habe nächste Woche einen Termin beim Jobcenter und würde mich über Begleitung freuen.",
        "sender_name": "Kemal",
        "sender_email": "kemal@beispiel.de",
        "sender_phone": "",
        "form_started": form_started_token(at=time.time() - 60),
        "hp_contact": "",
    }
    data.update(overrides)
    return data


def send(client, volunteer, capture, **overrides):
    with capture(execute=True):
        return client.post(relay_url(volunteer), message_data(**overrides))


def test_the_form_names_the_volunteer_but_not_their_address(client, listed):
    page = client.get(relay_url(listed)).content.decode()
    assert "Nachricht an Annegret" in page and "470xx" in page
    for private in ("annegret@beispiel.de", "0203 999888", "47051"):
        assert private not in page


def test_a_message_is_forwarded_once_by_mail_with_the_senders_contact(
    client, listed, django_capture_on_commit_callbacks
):
    response = send(client, listed, django_capture_on_commit_callbacks, sender_phone="0171 2345678")
    assert response.status_code == 302 and response.url == "/mitlaeuferliste/ruhr/"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["annegret@beispiel.de"]
    assert "Kemal" in sent.subject
    assert "Termin beim Jobcenter" in sent.body
    assert "kemal@beispiel.de" in sent.body and "0171 2345678" in sent.body
    page = client.get(response.url).content.decode()
    assert "Danke! Wir leiten Ihre Nachricht an Annegret weiter." in page
    assert "annegret@beispiel.de" not in page and "0203 999888" not in page


def test_the_message_is_blanked_in_the_outbox_once_sent_and_deleted_with_the_volunteer(
    client, listed, django_capture_on_commit_callbacks
):
    send(client, listed, django_capture_on_commit_callbacks)
    stored = OutgoingMail.objects.get()
    assert stored.sensitive and stored.body == "" and stored.status == OutgoingMail.Status.SENT
    assert f" volunteer:{listed.pk} " in stored.about


def test_nothing_of_the_message_reaches_the_logs(client, listed, django_capture_on_commit_callbacks, caplog):
    caplog.set_level("DEBUG")
    send(client, listed, django_capture_on_commit_callbacks)
    for secret in ("Jobcenter", "Kemal", "kemal@beispiel.de", "annegret@beispiel.de"):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sender_email": "", "sender_phone": ""}, "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an"),
        ({"sender_email": "kemal@"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        ({"sender_email": "", "sender_phone": "abc"}, "Telefonnummer"),
        ({"message": "Hallo"}, "Bitte schreiben Sie etwas mehr"),
        ({"message": "x" * 2001}, "Die Nachricht ist zu lang"),
        (
            {"message": "Günstige Angebote unter https://spam.example für Sie und alle"},
            "Bitte schicken Sie keine Links",
        ),
        ({"sender_name": ""}, "Bitte nennen Sie Ihren Namen"),
    ],
)
def test_bad_input_gets_a_plain_german_message_and_sends_nothing(
    client, listed, django_capture_on_commit_callbacks, overrides, message
):
    response = send(client, listed, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not mail.outbox and not OutgoingMail.objects.exists()


def test_a_filled_honeypot_sends_nothing(client, listed, django_capture_on_commit_callbacks):
    response = send(client, listed, django_capture_on_commit_callbacks, hp_contact="http://spam.example")
    assert response.status_code == 400
    assert "Das hat leider nicht geklappt" in response.content.decode()
    assert not mail.outbox


def test_a_form_sent_too_fast_sends_nothing(client, listed, django_capture_on_commit_callbacks):
    response = send(client, listed, django_capture_on_commit_callbacks, form_started=form_started_token())
    assert response.status_code == 400 and not mail.outbox


def test_the_rate_limit_counts_accepted_messages_per_client(
    client, listed, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_LIST_RELAY_RATE_LIMIT = 2
    other = VolunteerFactory(postal_code_id="45127", listed_publicly=True)
    send(client, listed, django_capture_on_commit_callbacks, sender_email="")  # a mistake does not count
    assert send(client, listed, django_capture_on_commit_callbacks).status_code == 302
    assert send(client, other, django_capture_on_commit_callbacks).status_code == 302
    response = send(client, other, django_capture_on_commit_callbacks)
    assert response.status_code == 429
    page = response.content.decode()
    assert "nicht verschickt" in page
    assert "Termin beim Jobcenter" in page  # what they typed is not lost
    assert len(mail.outbox) == 2


def test_one_volunteer_gets_at_most_a_few_messages_a_day(client, listed, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_LIST_RELAY_PER_VOLUNTEER_PER_DAY = 1
    assert send(client, listed, django_capture_on_commit_callbacks).status_code == 302
    settings.PUBLIC_LIST_RELAY_RATE_LIMIT = 1  # so the second message below must come from someone else
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(relay_url(listed), message_data(), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429 and len(mail.outbox) == 1
    assert "Annegret hat heute schon viele Nachrichten bekommen" in response.content.decode()


@pytest.mark.parametrize("state", ["not listed", "other region", "paused"])
def test_only_a_listed_volunteer_of_that_region_can_be_written_to(client, listed, state):
    import datetime

    from django.utils import timezone

    if state == "not listed":
        target = VolunteerFactory(postal_code_id="47051")
    elif state == "other region":
        target = VolunteerFactory(postal_code_id="10117", listed_publicly=True)
    else:
        target = VolunteerFactory(
            postal_code_id="47051",
            listed_publicly=True,
            paused_until=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert client.get(relay_url(target)).status_code == 404
    assert client.post(relay_url(target), message_data()).status_code == 404
    assert not OutgoingMail.objects.exists()


# --- The opt-in on /profil/ -------------------------------------------------------------------


def test_the_opt_in_is_off_by_default_and_explained_on_the_profile(volunteer_client, volunteer):
    assert volunteer.listed_publicly is False
    page = volunteer_client.get("/profil/").content.decode()
    assert 'name="listed_publicly"' in page and "checked" not in page.split('name="listed_publicly"')[1][:80]
    assert "Ihre E-Mail-Adresse und Telefonnummer sieht niemand" in page


def test_a_volunteer_opts_in_and_out(volunteer_client, volunteer):
    response = volunteer_client.post("/profil/oeffentlich/", {"listed_publicly": "on"})
    assert response.status_code == 302 and response.url == "/profil/#public-listing"
    volunteer.refresh_from_db()
    assert volunteer.listed_publicly and volunteer.listed_since is not None
    volunteer_client.post("/profil/oeffentlich/", {})
    volunteer.refresh_from_db()
    assert not volunteer.listed_publicly and volunteer.listed_since is None


def test_the_opt_in_needs_a_login_and_a_post(client, volunteer_client):
    assert volunteer_client.get("/profil/oeffentlich/").status_code == 405
    client.logout()
    assert client.post("/profil/oeffentlich/", {"listed_publicly": "on"}).status_code == 302


def test_the_opt_in_is_in_the_export(volunteer_client, volunteer):
    volunteer_client.post("/profil/oeffentlich/", {"listed_publicly": "on"})
    exported = volunteer_client.get("/profil/meine-daten.json").json()
    rows = (
        [row for table in exported["records"].values() for row in table]
        if isinstance(exported["records"], dict)
        else exported["records"]
    )
    assert "listed_publicly" in str(rows) and "listed_since" in str(rows)
