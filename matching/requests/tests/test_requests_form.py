import datetime
import logging
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.spam import form_started_token
from directory.models import Office
from matching.models import AccompanimentRequest, ContactChannel, RequestStatus
from matching.requests.tests.helpers import form_data, in_days, office

pytestmark = pytest.mark.django_db

URL = "/anfrage/"


@pytest.fixture
def jobcenter():
    return office()


def post(client, data):
    return client.post(URL, data)


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_the_form_is_at_anfrage_and_asks_in_plain_german(client):
    response = client.get(reverse("matching:new"))
    assert reverse("matching:new") == URL
    assert response.status_code == 200
    content = response.content.decode()
    assert "Wann ist Ihr Termin?" in content
    assert "Mein Amt ist nicht dabei" in content
    assert 'name="hp_contact"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert "js/request-form.js" in content


def test_the_nav_and_home_page_link_to_the_form(client):
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_the_form_works_in_english(client):
    response = client.get(URL, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_it_creates_a_request_and_shows_the_status_link(
    client, jobcenter, settings, django_capture_on_commit_callbacks
):
    settings.COORDINATOR_EMAILS = ["team@mitlaeufer.example"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, form_data(jobcenter, preferred_contact="email", purpose="hearing", message="Bitte ruhig")
        )
    escort_request = AccompanimentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/anfrage/{escort_request.token}/"
    assert escort_request.office == jobcenter
    assert escort_request.starts_at == in_days(3)
    assert escort_request.duration_minutes == 60
    # The proposal run (queued on commit, run eagerly here) may already have started the search.
    assert escort_request.status in (RequestStatus.RECEIVED, RequestStatus.SEARCHING)
    assert escort_request.preferred_contact == ContactChannel.EMAIL
    assert escort_request.privacy_policy_version == settings.PRIVACY_POLICY_VERSION
    assert escort_request.consent_given_at is not None
    assert escort_request.language == "de"
    assert len(escort_request.token) >= 43
    page = client.get(response["Location"])
    assert "Danke! Ihre Anfrage ist angekommen." in page.content.decode()
    assert f"/anfrage/{escort_request.token}/" in page.content.decode()
    to_person = [m for m in mail.outbox if m.to == ["ayse@beispiel.de"]]
    assert len(to_person) == 1
    assert f"/anfrage/{escort_request.token}/" in to_person[0].body
    to_team = [m for m in mail.outbox if "team@mitlaeufer.example" in m.bcc]
    assert len(to_team) == 1


def test_the_coordinators_notice_has_an_admin_link_and_no_personal_data(
    client, jobcenter, settings, django_user_model, django_capture_on_commit_callbacks
):
    settings.COORDINATOR_EMAILS = ["team@mitlaeufer.example"]
    django_user_model.objects.create_user("koord", email="koord@mitlaeufer.example", is_staff=True)
    django_user_model.objects.create_user("ex", email="ex@mitlaeufer.example", is_staff=True, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_data(jobcenter, first_name="Zoltan", phone="0203 987654", message="geheim"))
    escort_request = AccompanimentRequest.objects.get()
    notice = next(m for m in mail.outbox if m.bcc)
    assert sorted(notice.bcc) == ["koord@mitlaeufer.example", "team@mitlaeufer.example"]
    assert f"{settings.SITE_URL}/admin/matching/accompanimentrequest/{escort_request.pk}/change/" in notice.body
    text = notice.subject + notice.body
    for personal in ("Zoltan", "ayse@beispiel.de", "987654", "geheim", escort_request.token):
        assert personal not in text


def test_mails_to_the_person_speak_the_language_they_used(client, jobcenter, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_data(jobcenter))
    assert AccompanimentRequest.objects.get().language == "en"


def test_it_queues_the_proposal_run_on_commit(client, jobcenter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        post(client, form_data(jobcenter))
    # one for the proposal run, one for the notices
    assert len(callbacks) == 2


# --- The validation matrix ------------------------------------------------------------------------------


def test_it_rejects_a_past_date(client, jobcenter):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = post(client, form_data(jobcenter, date=yesterday.isoformat()))
    assert response.status_code == 200
    assert errors_of(response, "date") == ["Dieser Termin liegt in der Vergangenheit."]
    assert not AccompanimentRequest.objects.exists()


@pytest.mark.parametrize(("date", "time", "message"), [
    ("0001-01-01", "00:00", "Dieser Termin liegt in der Vergangenheit."),
    ("9999-12-31", "23:59", "Wir planen höchstens 90 Tage im Voraus. Bitte fragen Sie später noch einmal."),
])  # fmt: skip
def test_dates_at_the_ends_of_the_calendar_get_a_message_not_an_error_page(client, jobcenter, date, time, message):
    response = post(client, form_data(jobcenter, date=date, time=time))
    assert response.status_code == 200
    assert errors_of(response, "date") == [message]
    assert not AccompanimentRequest.objects.exists()


def test_it_rejects_an_appointment_less_than_24_hours_ahead(client, jobcenter):
    soon = timezone.localtime() + datetime.timedelta(hours=20)
    response = post(client, form_data(jobcenter, date=soon.date().isoformat(), time=soon.strftime("%H:%M")))
    assert errors_of(response, "date") == [
        "Ihr Termin muss mindestens 24 Stunden in der Zukunft liegen. So schnell finden wir leider niemanden."
    ]
    assert not AccompanimentRequest.objects.exists()


def test_the_lead_time_is_a_setting(client, jobcenter, settings):
    settings.REQUEST_MIN_LEAD_HOURS = 2
    soon = timezone.localtime() + datetime.timedelta(hours=20)
    response = post(client, form_data(jobcenter, date=soon.date().isoformat(), time=soon.strftime("%H:%M")))
    assert response.status_code == 302


def test_it_rejects_a_date_more_than_90_days_ahead(client, jobcenter):
    far = timezone.localdate() + datetime.timedelta(days=92)
    response = post(client, form_data(jobcenter, date=far.isoformat()))
    assert errors_of(response, "date") == [
        "Wir planen höchstens 90 Tage im Voraus. Bitte fragen Sie später noch einmal."
    ]
    assert not AccompanimentRequest.objects.exists()


def test_it_accepts_a_german_date(client, jobcenter):
    day = in_days(5)
    response = post(client, form_data(jobcenter, date=day.strftime("%d.%m.%Y"), time="9.30"))
    assert response.status_code == 302
    assert AccompanimentRequest.objects.get().starts_at == in_days(5, 9, 30)


def test_it_rejects_no_contact(client, jobcenter):
    response = post(client, form_data(jobcenter, email="", phone=""))
    message = "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit wir Sie erreichen."
    assert errors_of(response, "email") == [message]
    assert errors_of(response, "phone") == [message]
    assert not AccompanimentRequest.objects.exists()


def test_a_phone_alone_is_enough(client, jobcenter):
    response = post(client, form_data(jobcenter, email="", phone="0203 123456"))
    assert response.status_code == 302
    escort_request = AccompanimentRequest.objects.get()
    assert escort_request.phone == "0203 123456"
    assert escort_request.preferred_contact == ContactChannel.PHONE


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0203 123456", "0203 123456"),
        ("0203/12 34 56", "0203 123456"),
        ("(0203) 123-456", "0203 123456"),
        ("+49 203 123456", "0203 123456"),
        ("0049 176 12345678", "0176 12345678"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_it_stores_a_phone_number_as_people_read_it(client, jobcenter, typed, stored):
    assert post(client, form_data(jobcenter, email="", phone=typed)).status_code == 302
    assert AccompanimentRequest.objects.get().phone == stored


@pytest.mark.parametrize("email", ["ayse@", "ayse beispiel.de", "@beispiel.de", "ayse@beispiel"])
def test_it_rejects_an_invalid_email(client, jobcenter, email):
    response = post(client, form_data(jobcenter, email=email))
    assert errors_of(response, "email") == ["Diese E-Mail-Adresse stimmt nicht. Bitte prüfen Sie sie."]
    assert not AccompanimentRequest.objects.exists()


@pytest.mark.parametrize("phone", ["abc", "12", "0203 12", "0203-12345-xyz", "+", "+49"])
def test_it_rejects_an_invalid_phone(client, jobcenter, phone):
    response = post(client, form_data(jobcenter, phone=phone))
    assert errors_of(response, "phone") == [
        "Diese Telefonnummer stimmt nicht. Bitte geben Sie sie mit Vorwahl ein, zum Beispiel 0203 123456 oder "
        "+49 203 123456."
    ]
    assert not AccompanimentRequest.objects.exists()


def test_it_rejects_a_preferred_channel_without_its_contact(client, jobcenter):
    response = post(client, form_data(jobcenter, preferred_contact="phone"))
    assert errors_of(response, "preferred_contact") == ["Sie haben keine Telefonnummer angegeben."]


def test_only_name_contact_office_date_time_and_consent_are_required(client, jobcenter):
    data = form_data(jobcenter)
    minimal = {key: data[key] for key in ("first_name", "email", "office", "date", "time", "consent", "form_started")}
    assert post(client, minimal).status_code == 302
    escort_request = AccompanimentRequest.objects.get()
    assert escort_request.duration_minutes == 60


@pytest.mark.parametrize("field", ["first_name", "office", "date", "time", "consent"])
def test_each_required_field_is_required(client, jobcenter, field):
    response = post(client, form_data(jobcenter, **{field: None}))
    assert errors_of(response, field)
    assert not AccompanimentRequest.objects.exists()


def test_it_rejects_consent_missing_with_a_plain_message(client, jobcenter):
    response = post(client, form_data(jobcenter, consent=None))
    assert errors_of(response, "consent") == ["Ohne Ihr Einverständnis können wir keine Begleitung suchen."]


def test_it_rejects_an_unknown_postal_code_for_a_new_office(client, jobcenter):
    response = post(
        client,
        form_data(jobcenter, office="new", new_office_name="Jobcenter Nirgendwo", new_office_postal_code="00000"),
    )
    assert errors_of(response, "new_office_postal_code") == ["Diese Postleitzahl kennen wir nicht."]
    assert not AccompanimentRequest.objects.exists()
    assert not Office.objects.filter(name="Jobcenter Nirgendwo").exists()


def test_mein_amt_ist_nicht_dabei_creates_an_unverified_office(client, jobcenter):
    response = post(
        client,
        form_data(
            jobcenter,
            office="new",
            new_office_name="Sozialamt  Duisburg-Süd",
            new_office_street="Sittardsberger Allee 14",
            new_office_postal_code="47249",
        ),
    )
    assert response.status_code == 302
    escort_request = AccompanimentRequest.objects.select_related("office").get()
    assert escort_request.office.name == "Sozialamt Duisburg-Süd"
    assert escort_request.office.postal_code_id == "47249"
    assert escort_request.office.verified is False
    assert escort_request.office.get_kind_display() == "Sozialamt"
    assert escort_request.office.latitude > 51


def test_the_new_office_needs_a_name_and_postal_code(client, jobcenter):
    response = post(client, form_data(jobcenter, office="new"))
    assert errors_of(response, "new_office_name") == ["Bitte geben Sie den Namen des Amts an."]
    assert errors_of(response, "new_office_postal_code") == ["Bitte geben Sie die Postleitzahl des Amts an."]


def test_an_unverified_office_cannot_be_picked_by_id(client, jobcenter):
    hidden = office(name="Ungeprüftes Amt", verified=False)
    response = post(client, form_data(jobcenter, office=str(hidden.pk)))
    assert errors_of(response, "office") == ["Bitte wählen Sie ein Amt aus der Liste."]


def test_it_rejects_5000_characters_of_text_in_every_field(client, jobcenter):
    long = "x" * 5000
    data = form_data(
        jobcenter,
        first_name=long,
        email=long + "@beispiel.de",
        phone="1" * 5000,
        accessibility=long,
        message=long,
        office_query=long,
        new_office_name=long,
    )
    response = post(client, data)
    assert response.status_code == 200
    assert errors_of(response, "message") == ["Bitte schreiben Sie höchstens 500 Zeichen (jetzt: 5000)."]
    assert errors_of(response, "first_name") == ["Bitte schreiben Sie höchstens 50 Zeichen (jetzt: 5000)."]
    assert errors_of(response, "accessibility") == ["Bitte schreiben Sie höchstens 200 Zeichen (jetzt: 5000)."]
    assert errors_of(response, "phone") == ["Diese Telefonnummer ist zu lang."]
    assert errors_of(response, "email")
    assert not AccompanimentRequest.objects.exists()


def test_a_message_of_exactly_500_characters_is_fine(client, jobcenter):
    assert post(client, form_data(jobcenter, message="ä" * 500)).status_code == 302


def test_script_in_every_text_field_comes_back_escaped_on_the_form(client, jobcenter):
    script = "<script>alert(1)</script>"
    data = form_data(
        jobcenter,
        first_name=script,
        email=script,
        phone=script,
        accessibility=script,
        message=script,
        office_query=script,
        new_office_name=script,
        new_office_street=script,
        new_office_postal_code=script,
        consent=None,
    )
    content = post(client, data).content.decode()
    assert script not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- The office picker ----------------------------------------------------------------------------------


def test_searching_offices_without_javascript_keeps_the_entries_and_shows_no_errors(client, jobcenter):
    other = office(name="Amt für Soziales und Wohnen Duisburg", kind=2)
    response = client.post(URL, {"office_query": "Duisburg", "first_name": "Ayşe", "search": "1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{jobcenter.pk}"' in content and f'value="{other.pk}"' in content
    assert 'value="Ayşe"' in content
    assert "invalid-feedback" not in content
    assert not AccompanimentRequest.objects.exists()


def test_the_office_search_finds_by_postal_code_prefix_and_city(client, jobcenter):
    office(name="Ungeprüft", verified=False)
    assert client.get("/anfrage/aemter/", {"q": "470"}).json() == {
        "results": [{"id": jobcenter.pk, "label": "Jobcenter Duisburg Mitte – Wuhanstraße 6, 47051 Duisburg"}],
        "message": "Wir haben 1 Amt gefunden. Bitte wählen Sie es in der Liste aus.",
    }
    assert [r["id"] for r in client.get("/anfrage/aemter/", {"q": "duisb"}).json()["results"]] == [jobcenter.pk]
    nothing = client.get("/anfrage/aemter/", {"q": "80331"}).json()
    assert nothing["results"] == []
    assert nothing["message"].startswith("Wir haben kein Amt gefunden.")
    assert "Mein Amt ist nicht dabei" in nothing["message"]


def test_a_neighbouring_postal_code_finds_the_office_with_its_distance(client, jobcenter):
    # 47057 is a neighbour of the office's 47051.
    (result,) = client.get("/anfrage/aemter/", {"q": "47057"}).json()["results"]
    assert result["id"] == jobcenter.pk
    assert result["label"].startswith("Jobcenter Duisburg Mitte – Wuhanstraße 6, 47051 Duisburg (")
    assert result["label"].endswith(" km entfernt)")


def test_searching_without_javascript_says_how_many_were_found_in_a_status_region(client, jobcenter):
    content = client.post(URL, {"office_query": "Jobcenter Duisburg", "search": "1"}).content.decode()
    assert 'role="status"' in content
    assert "Wir haben 1 Amt gefunden." in content
    content = client.post(URL, {"office_query": "Xylophon", "search": "1"}).content.decode()
    assert "Wir haben kein Amt gefunden." in content
    # A NUL character never reaches the view (mitlaeufer.middleware answers 400).
    assert client.get("/anfrage/aemter/", {"q": "\x00"}).status_code == 400


def test_a_search_without_a_pick_asks_to_pick(client, jobcenter):
    response = post(client, form_data(jobcenter, office=""))
    assert errors_of(response, "office") == ["Bitte wählen Sie Ihr Amt aus der Liste."]


# --- Duplicates, spam and abuse -------------------------------------------------------------------------


def test_a_double_submission_creates_one_request_and_shows_it_again(client, jobcenter):
    data = form_data(jobcenter)
    first = post(client, data)
    second = post(client, data)
    assert AccompanimentRequest.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_a_duplicate_from_another_browser_does_not_reveal_the_link(client, jobcenter):
    from django.test import Client

    data = form_data(jobcenter, email="AYSE@beispiel.de")
    post(client, data)
    other = Client().post(URL, form_data(jobcenter))
    assert AccompanimentRequest.objects.count() == 1
    assert other.status_code == 200
    content = other.content.decode()
    assert "Diese Anfrage ist schon angekommen" in content
    assert AccompanimentRequest.objects.get().token not in content


def test_the_same_phone_written_differently_is_a_duplicate(client, jobcenter):
    post(client, form_data(jobcenter, email="", phone="0203 123456"))
    post(client, form_data(jobcenter, email="", phone="0203-123456"))
    post(client, form_data(jobcenter, email="", phone="+49 203 123456"))
    assert AccompanimentRequest.objects.count() == 1


def test_another_time_is_not_a_duplicate(client, jobcenter):
    post(client, form_data(jobcenter))
    post(client, form_data(jobcenter, time="14:00"))
    assert AccompanimentRequest.objects.count() == 2


def test_the_honeypot_rejects_and_logs_without_content(client, jobcenter, caplog):
    with caplog.at_level(logging.INFO):
        response = post(client, form_data(jobcenter, hp_contact="http://spam.example", message="Kaufen Sie"))
    assert response.status_code == 400
    assert not AccompanimentRequest.objects.exists()
    assert "request form rejected: honeypot" in caplog.text
    assert "spam.example" not in caplog.text and "Kaufen" not in caplog.text and "ayse" not in caplog.text


def test_a_form_sent_too_fast_is_rejected(client, jobcenter, caplog):
    with caplog.at_level(logging.INFO):
        response = post(client, form_data(jobcenter, form_started=form_started_token()))
    assert response.status_code == 400
    assert "Das ging sehr schnell" in response.content.decode()
    assert not AccompanimentRequest.objects.exists()
    assert "request form rejected: too_fast" in caplog.text


def test_a_forged_start_time_is_rejected(client, jobcenter):
    response = post(client, form_data(jobcenter, form_started=str(int(time.time()) - 600)))
    assert response.status_code == 400
    assert not AccompanimentRequest.objects.exists()


def test_the_form_needs_csrf(jobcenter):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, form_data(jobcenter))
    assert response.status_code == 403
    assert not AccompanimentRequest.objects.exists()


def test_the_rate_limit_stops_an_address_after_the_limit(client, jobcenter, settings, caplog):
    settings.REQUEST_RATE_LIMIT = 3
    for hour in (9, 10, 11):
        assert post(client, form_data(jobcenter, time=f"{hour}:00")).status_code == 302
    with caplog.at_level(logging.INFO):
        response = post(client, form_data(jobcenter, time="12:00"))
    assert response.status_code == 429
    assert "Bitte versuchen Sie es später noch einmal" in response.content.decode()
    assert AccompanimentRequest.objects.count() == 3
    assert "request form rejected: rate limit" in caplog.text
    assert "127.0.0.1" not in caplog.text
    # Another address is not affected.
    assert client.post(URL, form_data(jobcenter, time="13:00"), REMOTE_ADDR="10.1.2.3").status_code == 302


# --- Never a 500 ----------------------------------------------------------------------------------------

FIELDS = [
    "first_name",
    "email",
    "phone",
    "preferred_contact",
    "office_query",
    "office",
    "new_office_name",
    "new_office_street",
    "new_office_postal_code",
    "date",
    "time",
    "duration_minutes",
    "purpose",
    "languages",
    "needs_language",
    "preferred_gender",
    "accessibility",
    "message",
    "consent",
    "hp_contact",
    "form_started",
]


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=600), min_size=1), search=st.booleans())
def test_arbitrary_text_never_gives_a_500(client, jobcenter, values, search):
    from django.core.cache import cache

    cache.clear()  # every example reaches the form, not the per-IP rate limit
    data = form_data(jobcenter, **values)
    if search:
        data["search"] = "1"
    response = client.post(URL, data)
    # 400: a spam check refused it (honeypot, tampered start time) or a NUL character was sent.
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
