"""The request form on a 360 px phone: short, with every required field marked and the optional parts closed."""

from pathlib import Path

import pytest
from django.conf import settings

from matching.tests.request_helpers import office
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
