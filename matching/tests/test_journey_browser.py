"""The whole journey through real pages: a person files a request on a phone, a coordinator asks the best
candidate in the admin, the volunteer opens the mailed link on a phone and accepts, and the person's status
page shows the companion."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from matching.engine.index import office_index_build
from matching.engine.search import appointment_slot
from matching.engine.tests.helpers import make_volunteer, next_weekday_at
from matching.models import AccompanimentRequest, Match, MatchStatus, Proposal, RequestStatus
from matching.requests.tests.helpers import office
from testing.browser import assert_fits_a_phone, new_page
from volunteers.choices import availability_position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
COORDINATOR_EMAIL = "koordination@beispiel.de"
COORDINATOR_PASSWORD = "Koordination-2024!"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def test_request_ask_accept_and_the_companion_on_the_status_page(browser, live_server, settings, transactional_db):
    # live_server runs in a thread of this process, so the setting and the locmem outbox are shared with it.
    settings.SPAM_MIN_FILL_SECONDS = 0
    # Links in mails and on pages are absolute (SITE_URL); here they lead to the live server, so the
    # journey follows them exactly as a person would.
    settings.SITE_URL = live_server.url
    starts_at = next_weekday_at(10, days_ahead=4)
    slot_bit = 1 << availability_position(*appointment_slot(starts_at))

    # --- 0. The world: an office, two verified volunteers nearby free at that time, a coordinator.
    jobcenter = office()
    office_index_build(office_id=jobcenter.pk)
    near = make_volunteer(number=1, code="47051", radius_km=15, availability=slot_bit)
    farther = make_volunteer(number=2, code="47057", radius_km=20, availability=slot_bit | 1)
    near.display_name = "Mara"
    near.save()
    coordinator = get_user_model().objects.create_user(
        username="koordination",
        email=COORDINATOR_EMAIL,
        password=COORDINATOR_PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    EmailAddress.objects.create(user=coordinator, email=COORDINATOR_EMAIL, primary=True, verified=True)

    # The person files the request on a phone.
    person = new_page(browser, phone=True)
    person.goto(f"{live_server.url}/anfrage/")
    expect(person.locator("h1")).to_have_text("Begleitung anfragen")
    person.get_by_label("Ihr Vorname").fill("Ayşe")
    person.get_by_role("textbox", name="E-Mail").fill("ayse@beispiel.de")
    person.get_by_role("textbox", name="Telefon").fill("0203 123456")
    person.get_by_label("Postleitzahl oder Ort des Amts").fill("47051")
    expect(person.locator(f'select[name="office"] option[value="{jobcenter.pk}"]')).to_have_count(1)
    person.locator('select[name="office"]').select_option(str(jobcenter.pk))
    person.get_by_label("Datum").fill(starts_at.date().isoformat())
    person.get_by_label("Uhrzeit").fill("10:00")
    person.get_by_label("Ich bin einverstanden").check()
    person.get_by_role("button", name="Anfrage senden").click()

    expect(person.locator(".alert-success")).to_contain_text("Danke! Ihre Anfrage ist angekommen.")
    shot(person, "0-request-sent")
    assert_fits_a_phone(person)
    status_link = person.locator("#status-link").inner_text().strip()
    escort_request = AccompanimentRequest.objects.get()
    assert status_link == f"{live_server.url}/anfrage/{escort_request.token}/"
    assert escort_request.starts_at == starts_at
    # The proposal task ran (eagerly) when the request was committed.
    assert list(
        Proposal.objects.filter(request=escort_request).order_by("rank").values_list("volunteer", flat=True)
    ) == [
        near.pk,
        farther.pk,
    ]

    # --- 1. The coordinator logs in at /admin/, through allauth's login page.
    coordination = new_page(browser, phone=False)
    coordination.goto(f"{live_server.url}/admin/")
    coordination.wait_for_url(re.compile(r"/konto/login/"))
    expect(coordination.locator("h1")).to_have_text("Anmelden")
    coordination.get_by_label("E-Mail").fill(COORDINATOR_EMAIL)
    coordination.get_by_label("Passwort").fill(COORDINATOR_PASSWORD)
    coordination.locator("main").get_by_role("button", name="Anmelden").click()
    coordination.wait_for_url(re.compile(r"/admin/$"))
    expect(coordination.locator("#site-name")).to_contain_text("Mitläufer – Koordination")

    coordination.goto(f"{live_server.url}/admin/matching/accompanimentrequest/{escort_request.pk}/change/")
    rows = coordination.locator("#proposals .proposal-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Mara")
    expect(rows.nth(0)).to_contain_text("v1@beispiel.de")
    expect(rows.nth(1)).to_contain_text("Freiwillige 2")
    expect(coordination.locator("#matching")).to_contain_text("Noch niemand angefragt.")
    shot(coordination, "1-admin-candidates")
    rows.nth(0).get_by_role("button", name="Anfragen").click()

    expect(coordination.locator(".messagelist .success")).to_contain_text("Mara ist angefragt und bekommt eine E-Mail.")
    expect(coordination.locator(".match-row")).to_have_count(1)
    expect(coordination.locator(".match-row")).to_have_attribute("data-status", "asked")
    shot(coordination, "1-admin-asked")
    match = Match.objects.get()
    assert (match.volunteer_id, match.status) == (near.pk, MatchStatus.ASKED)

    # --- 2. The volunteer opens the mailed link on a phone.
    invitation = [message for message in mail.outbox if message.to == [near.user.email]][-1]
    link = re.search(r"https?://\S+/einsatz/[A-Za-z0-9_-]+/", invitation.body).group(0)
    assert link == f"{live_server.url}/einsatz/{match.token}/"
    volunteer = new_page(browser, phone=True)
    volunteer.goto(link)
    expect(volunteer.locator("h1")).to_have_text("Können Sie Ayşe begleiten?")
    expect(volunteer.locator("main")).to_contain_text("Jobcenter Duisburg Mitte")
    expect(volunteer.locator("main")).to_contain_text(starts_at.strftime("%d.%m.%Y"))
    expect(volunteer.locator("main")).to_contain_text("10:00–11:00 Uhr")
    # No contact data before accepting, and the GET changed nothing.
    expect(volunteer.locator("#requester-contact")).to_have_count(0)
    expect(volunteer.locator("main")).not_to_contain_text("0203 123456")
    match.refresh_from_db()
    assert match.status == MatchStatus.ASKED
    escort_request.refresh_from_db()
    assert escort_request.status != RequestStatus.CONFIRMED
    shot(volunteer, "2-invitation")
    assert_fits_a_phone(volunteer)

    volunteer.get_by_role("button", name="Ja, ich gehe mit").click()
    expect(volunteer.locator(".alert-success").first).to_contain_text("Danke! Sie haben zugesagt.")
    contact = volunteer.locator("#requester-contact")
    expect(contact).to_contain_text("ayse@beispiel.de")
    expect(contact).to_contain_text("0203 123456")
    expect(volunteer.get_by_role("button", name="Ja, ich gehe mit")).to_have_count(0)
    shot(volunteer, "2-accepted")
    assert_fits_a_phone(volunteer)
    match.refresh_from_db()
    escort_request.refresh_from_db()
    assert (match.status, escort_request.status) == (MatchStatus.ACCEPTED, RequestStatus.CONFIRMED)
    # Both sides got their mails: the volunteer the contact and a calendar file, the person the companion.
    confirmation = [message for message in mail.outbox if message.to == [near.user.email]][-1]
    assert "0203 123456" in confirmation.body
    assert confirmation.attachments[0][0] == "termin.ics"
    to_person = [message for message in mail.outbox if message.to == ["ayse@beispiel.de"]][-1]
    assert "Mara" in to_person.body

    # --- 3. The person opens the saved status link.
    person.goto(status_link)
    expect(person.locator("#request-status")).to_contain_text("Begleitung gefunden")
    expect(person.locator("#companion")).to_contain_text("Mara")
    expect(person.locator("#companion")).not_to_contain_text("v1@beispiel.de")
    shot(person, "3-status-companion")
    assert_fits_a_phone(person)

    for page in (person, coordination, volunteer):
        page.context.close()
