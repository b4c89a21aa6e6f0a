"""The request form on a 360 px phone: short, with every required field marked and the optional parts closed."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from matching.requests.tests.helpers import in_days, office
from testing.browser import PHONE, assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
MAX_SCREENS = 2.5


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def screens_to_send_button(page) -> float:
    bottom = page.evaluate(
        "(() => { const b = document.querySelector('button[name=send]');"
        " return b.getBoundingClientRect().bottom + window.scrollY; })()"
    )
    return bottom / PHONE["height"]


def test_the_form_up_to_the_send_button_fits_in_two_and_a_half_phone_screens(page, live_server, transactional_db):
    office()
    page.goto(f"{live_server.url}/anfrage/")
    screens = screens_to_send_button(page)
    shot(page, "request-form-360")
    print(f"request form: {screens:.2f} screens of {PHONE['height']} px up to 'Anfrage senden'")
    assert screens <= MAX_SCREENS, f"{screens:.2f} screens"
    assert_fits_a_phone(page)


def test_the_confirmation_puts_the_link_first_and_copies_it(page, live_server, settings, transactional_db):
    settings.SPAM_MIN_FILL_SECONDS = 0
    jobcenter = office()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/anfrage/")
    page.get_by_label("Ihr Vorname").fill("Ayşe")
    page.get_by_role("textbox", name="E-Mail").fill("ayse@beispiel.de")
    # A neighbouring postal code finds the office, with its distance.
    page.get_by_label("Postleitzahl oder Ort des Amts").fill("47057")
    expect(page.locator("#office-search-status")).to_contain_text("Wir haben 1 Amt gefunden.")
    expect(page.locator(f'select[name="office"] option[value="{jobcenter.pk}"]')).to_contain_text("km entfernt")
    page.locator('select[name="office"]').select_option(str(jobcenter.pk))
    page.get_by_label("Datum").fill(in_days(4).date().isoformat())
    page.get_by_label("Uhrzeit").fill("10:30")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Anfrage senden").click()

    box = page.locator("#status-link-box")
    expect(box).to_be_visible()
    assert page.evaluate("document.querySelector('main section').id") == "status-link-box"
    assert box.bounding_box()["y"] < PHONE["height"] / 2, "the link box starts in the upper half of the screen"
    shot(page, "request-confirmation-360")
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Link kopieren").click()
    expect(page.locator("#status-link-feedback")).to_contain_text("Der Link ist kopiert.")
    link = page.locator("#status-link").inner_text().strip()
    assert page.evaluate("navigator.clipboard.readText()") == link

    page.get_by_role("link", name="Link ausdrucken").click()
    expect(page.locator("#status-link")).to_have_text(link)
    expect(page.locator("svg.status-qr")).to_be_visible()
    shot(page, "request-print-360")
