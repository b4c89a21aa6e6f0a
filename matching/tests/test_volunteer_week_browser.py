"""A volunteer's week in real chromium: accept on a phone, see it in "Meine Einsätze", print the
"Hinweis für das Amt", give the escort back with a reason, and the coordinator finds the request
searching again."""

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
from matching.engine.tests.helpers import make_request, make_volunteer, next_weekday_at
from matching.matches.services import match_ask
from matching.models import Match, MatchStatus, Proposal, RequestStatus
from matching.requests.tests.helpers import office
from testing.browser import assert_fits_a_phone, new_page
from volunteers.choices import availability_position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
PASSWORD = "Ein-langes-Passwort-2026"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"week-{name}.png"), full_page=True)


def pdf_pages(page) -> int:
    """Print the page as chromium does (A4) and count the sheets."""
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/(profil|admin)/"))


def test_a_volunteers_week(browser, live_server, settings, transactional_db):
    settings.SITE_URL = live_server.url
    starts_at = next_weekday_at(10, days_ahead=4)
    slot_bit = 1 << availability_position(*appointment_slot(starts_at))
    jobcenter = office()
    office_index_build(office_id=jobcenter.pk)
    mara = make_volunteer(number=1, availability=slot_bit)
    mara.display_name = "Mara"
    mara.save()
    mara.user.set_password(PASSWORD)
    mara.user.save()
    make_volunteer(number=2, code="47057", radius_km=20, availability=slot_bit)
    coordinator = get_user_model().objects.create_user(
        username="k", email="koordination@beispiel.de", password=PASSWORD, is_staff=True, is_superuser=True
    )
    EmailAddress.objects.create(user=coordinator, email=coordinator.email, primary=True, verified=True)
    escort_request = make_request(
        office=jobcenter, starts_at=starts_at, first_name="Erika", email="erika@beispiel.de", preferred_contact="email"
    )
    match = match_ask(escort_request=escort_request, volunteer=mara, actor=coordinator)

    # --- Monday: the invitation; Mara accepts on her phone.
    invitation = [m for m in mail.outbox if m.to == [mara.user.email]][-1]
    assert f"{live_server.url}/mitmachen/einweisung/" in invitation.body
    volunteer = new_page(browser, phone=True)
    log_in(volunteer, live_server.url, mara.user.email, PASSWORD)
    volunteer.goto(f"{live_server.url}/einsatz/{match.token}/")
    expect(volunteer.locator("h1")).to_have_text("Können Sie Erika begleiten?")
    volunteer.get_by_role("button", name="Ja, ich gehe mit").click()
    expect(volunteer.locator("h1")).to_have_text("Sie begleiten Erika")
    expect(volunteer.locator("main")).to_contain_text("Sie haben zugesagt", use_inner_text=True)
    assert volunteer.locator("main").inner_text().count("Sie haben zugesagt") == 1
    shot(volunteer, "1-accepted")
    assert_fits_a_phone(volunteer)

    # --- Tuesday: "Meine Einsätze" on the profile.
    volunteer.goto(f"{live_server.url}/profil/")
    escorts = volunteer.locator("#my-escorts")
    expect(escorts.locator(".escort-upcoming")).to_have_count(1)
    expect(escorts).to_contain_text("Erika")
    expect(escorts).to_contain_text(jobcenter.name)
    expect(escorts).to_contain_text(starts_at.strftime("%d.%m.%Y"))
    shot(volunteer, "2-my-escorts")
    assert_fits_a_phone(volunteer)

    # --- Wednesday: the notice for the office, printed on one A4 sheet.
    escorts.get_by_role("link", name="Details und Hinweis für das Amt").click()
    volunteer.get_by_role("link", name="Hinweis für das Amt (zum Ausdrucken)").click()
    expect(volunteer.locator("h1").first).to_have_text("Hinweis für das Amt: Ich komme mit einem Beistand")
    notice = volunteer.locator("#notice-de")
    expect(notice).to_contain_text("§ 13 Absatz 4 SGB X")
    expect(notice).to_contain_text("§ 13 Absatz 7 SGB X")
    expect(notice).to_contain_text("Mara")
    expect(notice).to_contain_text("10:00 Uhr")
    shot(volunteer, "3-notice")
    assert_fits_a_phone(volunteer)
    assert pdf_pages(volunteer) == 1

    # --- Thursday: Mara falls ill and gives the escort back, with a reason.
    volunteer.goto(f"{live_server.url}/einsatz/{match.token}/")
    volunteer.get_by_label("Warum können Sie nicht? (kurz)").fill("Ich bin krank geworden.")
    volunteer.get_by_role("button", name="Begleitung absagen").click()
    expect(volunteer.locator("#match-status")).to_contain_text("Sie haben abgesagt.")
    shot(volunteer, "4-backed-out")
    assert_fits_a_phone(volunteer)
    match.refresh_from_db()
    escort_request.refresh_from_db()
    assert (match.status, escort_request.status) == (MatchStatus.BACKED_OUT, RequestStatus.SEARCHING)
    assert [m for m in mail.outbox if m.to == ["erika@beispiel.de"]][-1].subject == (
        "Wir suchen eine neue Begleitung für Sie"
    )
    volunteer.goto(f"{live_server.url}/profil/")
    expect(volunteer.locator("#my-escorts .escort-upcoming")).to_have_count(0)

    # --- The coordinator finds the request searching again, with the reason and a new proposal.
    coordination = new_page(browser, phone=False)
    log_in(coordination, live_server.url, coordinator.email, PASSWORD)
    coordination.goto(f"{live_server.url}/admin/matching/accompanimentrequest/?status__exact=searching")
    expect(coordination.locator("#result_list tbody tr")).to_have_count(1)
    coordination.locator("#result_list tbody tr a").first.click()
    row = coordination.locator(".match-row")
    expect(row).to_have_attribute("data-status", "backed_out")
    expect(row).to_contain_text("Ich bin krank geworden.")
    expect(coordination.locator("#proposals .proposal-row")).to_have_count(1)
    expect(coordination.locator("#proposals .proposal-row")).to_contain_text("Freiwillige 2")
    shot(coordination, "5-coordinator")
    assert list(Proposal.objects.values_list("volunteer__display_name", flat=True)) == ["Freiwillige 2"]
    assert Match.objects.get().decline_reason == "Ich bin krank geworden."

    for page in (volunteer, coordination):
        page.context.close()


@pytest.mark.parametrize("path", ["/flyer/", "/flyer/?format=a5&sprache=en", "/mitmachen/einweisung/"])
def test_the_printables_and_the_briefing_fit_a_phone(browser, live_server, path, transactional_db):
    page = new_page(browser, phone=True)
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("h1").first).to_be_visible()
    shot(page, "print-" + re.sub(r"[^a-z0-9]+", "-", path).strip("-"))
    assert_fits_a_phone(page)
    if path.startswith("/flyer/"):
        expect(page.locator(".qr svg")).to_be_visible()
        assert pdf_pages(page) == 1
    page.context.close()
