"""On a phone: search the directory by postal code, filter by a service, open an initiative."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from core.bitmask import to_mask
from directory.choices import InitiativeService
from directory.tests.initiative_factories import InitiativeFactory, online_initiative
from testing.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def result_names(page) -> list[str]:
    return page.locator("#initiative-results .card-title").all_inner_texts()


def test_a_person_searches_by_postal_code_filters_by_service_and_opens_an_initiative(
    page, live_server, transactional_db
):
    InitiativeFactory(
        name="Schuldnerberatung Hamborn",
        postal_code_id="47166",
        services=to_mask([InitiativeService.DEBT, InitiativeService.HOUSING_EMERGENCY]),
        opening_hours="Mi 9–12 Uhr",
    )
    InitiativeFactory(name="Tafel Duisburg", postal_code_id="47053", services=to_mask([InitiativeService.FOOD]))
    InitiativeFactory(name="Beratung Berlin", postal_code_id="10117", city="Berlin", radius_km=30)
    online_initiative(name="Sozialrecht online", services=to_mask([InitiativeService.SOCIAL_LAW_ADVICE]))

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Menü").click()
    # Wait for the menu to finish opening: a tap during Bootstrap's collapse animation went nowhere once in CI.
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("link", name="Beratung finden").click()
    page.wait_for_url(re.compile(r"/initiativen/"), timeout=15_000)
    expect(page.locator("h1")).to_have_text("Beratung finden")

    page.get_by_label("Postleitzahl oder Ort").fill("47051")
    page.get_by_role("button", name="Suchen").click()
    expect(page.locator("#result-count")).to_contain_text("3 Initiativen gefunden")
    assert result_names(page) == ["Tafel Duisburg", "Schuldnerberatung Hamborn", "Sozialrecht online"]
    expect(page.get_by_role("heading", name="In Ihrer Nähe")).to_be_visible()
    expect(page.get_by_role("heading", name="Bundesweit und online")).to_be_visible()

    page.get_by_text("Nach Angebot und Sprache filtern").click()
    page.get_by_label("Schuldnerberatung").check()
    page.get_by_role("button", name="Suchen").click()
    expect(page.locator("#result-count")).to_contain_text("1 Initiative gefunden")
    assert result_names(page) == ["Schuldnerberatung Hamborn"]
    # The search and the filter survive the round trip.
    expect(page.get_by_label("Postleitzahl oder Ort")).to_have_value("47051")
    expect(page.get_by_label("Schuldnerberatung")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Schuldnerberatung Hamborn").click()
    expect(page.locator("#initiative-name")).to_have_text("Schuldnerberatung Hamborn")
    expect(page.get_by_text("Mi 9–12 Uhr")).to_be_visible()
    expect(page.get_by_text("Wohnungsnotfallhilfe")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "initiative-detail.png"), full_page=True)
