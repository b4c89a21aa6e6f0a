"""The public Mitläuferliste on a 360 px phone: the overview, a region, and writing to a listed volunteer."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from playwright.sync_api import expect

from core.bitmask import to_mask
from directory.choices import Language
from directory.tests.initiative_factories import InitiativeFactory
from geo.regions import regions_load_default
from testing.browser import assert_fits_a_phone, blocking_violations, new_page
from volunteers.tests.factories import VolunteerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"public-list-{name}.png"), full_page=True)


def checked(page, name: str) -> None:
    """Fits the phone, no serious or critical axe finding, and a screenshot to look at."""
    assert_fits_a_phone(page)
    assert blocking_violations(page) == [], name
    shot(page, name)


def test_overview_region_and_relay_form_on_a_phone(browser, live_server, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    regions_load_default()
    turkish = to_mask([Language.GERMAN, Language.TURKISH])
    for _ in range(11):
        VolunteerFactory(postal_code_id="47051", languages=turkish)
    VolunteerFactory(
        display_name="Annegret",
        postal_code_id="47119",
        listed_publicly=True,
        languages=to_mask([Language.GERMAN, Language.POLISH]),
        user__email="annegret@beispiel.de",
    )
    VolunteerFactory(postal_code_id="10117")
    InitiativeFactory(name="Erwerbslosentreff Ruhrort", slug="ruhrort", postal_code_id="47119")

    page = new_page(browser)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Wo schon wer mitmacht: die Mitläuferliste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitläuferliste")
    expect(page.locator("#regions")).to_contain_text("Nordrhein-Westfalen")
    expect(page.locator("#regions")).to_contain_text("weniger als 5")
    checked(page, "overview")

    page.get_by_role("link", name="Nordrhein-Westfalen", exact=True).click()
    expect(page.locator("#region-count")).to_have_text("Aktive Mitläufer*innen: etwa 10")
    expect(page.locator("#region-languages")).to_contain_text("Türkisch")
    expect(page.locator("#listed")).to_contain_text("Annegret")
    expect(page.locator("#initiatives")).to_contain_text("Erwerbslosentreff Ruhrort")
    checked(page, "region")

    page.get_by_role("link", name="Nachricht schreiben").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachricht an Annegret")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.locator("#error-summary")).to_contain_text("Bitte schreiben Sie eine Nachricht.")
    checked(page, "relay-errors")

    page.get_by_label("Ihre Nachricht").fill("Ich habe am Dienstag einen Termin beim Jobcenter in Ruhrort.")
    page.get_by_label("Ihr Name").fill("Kemal")
    page.get_by_label("oder Ihre Telefonnummer").fill("0171 2345678")
    checked(page, "relay-form")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_role("status").first).to_contain_text("Wir leiten Ihre Nachricht an Annegret weiter")
    assert "annegret@beispiel.de" not in page.content()
    page.context.close()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["annegret@beispiel.de"]
    assert "0171 2345678" in mail.outbox[0].body


def test_the_big_regions_page_in_english_on_a_phone(browser, live_server):
    regions_load_default()
    page = new_page(browser)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/mitlaeuferliste/bayern/")
    expect(page.locator("#region-count")).to_have_text("Active volunteers: fewer than 5")
    expect(page.locator("#join")).to_contain_text("Bayern still needs volunteers")
    checked(page, "region-en")
    page.context.close()
