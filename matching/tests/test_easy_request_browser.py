"""A person files a request in Leichte Sprache on a 360 px phone, one question per screen, without JavaScript."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import AccompanimentRequest
from matching.requests.tests.helpers import in_days, office
from testing.browser import PHONE, assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_person_asks_in_leichte_sprache_without_javascript(browser, live_server, settings, transactional_db):
    settings.SPAM_MIN_FILL_SECONDS = 0
    jobcenter = office()
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    screens = 0

    def next_screen(button: str = "Weiter") -> None:
        nonlocal screens
        screens += 1
        assert_fits_a_phone(page)
        shot(page, f"easy-{screens}")
        page.get_by_role("button", name=button).click()

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Einfache Sprache").click()
    expect(page.locator("h1")).to_have_text("Wie heißen Sie?")
    expect(page.locator(".easy-progress")).to_have_text("Frage 1 von 6")
    # A missing answer is said on the same screen.
    page.get_by_role("button", name="Weiter").click()
    expect(page.locator("#error-summary")).to_contain_text("Bitte sagen Sie uns, wie wir Sie ansprechen dürfen.")
    page.get_by_label("Ihr Vor-Name").fill("Ayşe")
    next_screen()

    expect(page.locator("h1")).to_have_text("Wie erreichen wir Sie?")
    page.get_by_label("Telefon-Nummer").fill("0203 123456")
    next_screen()

    expect(page.locator("h1")).to_have_text("Zu welchem Amt gehen Sie?")
    page.get_by_label("Post-Leitzahl oder Name vom Amt").fill("Jobcenter Duisburg")
    page.get_by_role("button", name="Amt suchen").click()
    expect(page.get_by_role("status")).to_contain_text("Wir haben 1 Amt gefunden.")
    page.get_by_label(re.compile("Jobcenter Duisburg Mitte")).check()
    next_screen()

    expect(page.locator("h1")).to_have_text("An welchem Tag ist Ihr Termin?")
    day = in_days(5).date()
    page.get_by_label("Tag", exact=True).fill(day.isoformat())
    next_screen()

    expect(page.locator("h1")).to_have_text("Um wie viel Uhr ist Ihr Termin?")
    page.get_by_label("Uhr-Zeit").fill("09:30")
    next_screen()

    expect(page.locator("h1")).to_have_text("Stimmt alles?")
    expect(page.locator(".easy-summary")).to_contain_text("Jobcenter Duisburg Mitte")
    page.get_by_label("Ja, Sie dürfen meine Angaben speichern.").check()
    next_screen("Anfrage senden")

    expect(page.locator(".alert-success")).to_contain_text("Danke! Ihre Anfrage ist angekommen.")
    expect(page.locator("#status-link-box")).to_be_visible()
    screens += 1
    shot(page, f"easy-{screens}")
    assert screens <= 8
    escort_request = AccompanimentRequest.objects.get()
    assert escort_request.first_name == "Ayşe"
    assert (escort_request.phone, escort_request.office) == ("0203 123456", jobcenter)
    assert escort_request.starts_at.date() == day
    assert timezone.localtime(escort_request.starts_at).strftime("%H:%M") == "09:30"
    context.close()
