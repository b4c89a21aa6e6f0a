"""A person on a phone files a request, opens the status link and cancels."""

import re

import pytest
from playwright.sync_api import expect

from matching.models import AccompanimentRequest, RequestStatus
from matching.requests.tests.helpers import in_days, office
from testing.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_a_person_files_a_request_opens_the_status_link_and_cancels(page, live_server, settings, transactional_db):
    # live_server runs in a thread of this process, so the setting applies to it.
    settings.SPAM_MIN_FILL_SECONDS = 0
    jobcenter = office()
    day = in_days(4).date()

    page.goto(f"{live_server.url}/")
    page.locator("main").get_by_role("link", name="Begleitung anfragen").click()
    expect(page.locator("h1")).to_have_text("Begleitung anfragen")
    assert_no_horizontal_scroll(page)

    page.get_by_label("Ihr Vorname").fill("Ayşe")
    page.get_by_role("textbox", name="Telefon").fill("0203 123456")
    # The office picker fills while typing (static/js/request-form.js).
    page.get_by_label("Postleitzahl oder Ort des Amts").fill("47051")
    expect(page.locator(f'select[name="office"] option[value="{jobcenter.pk}"]')).to_have_count(1)
    page.locator('select[name="office"]').select_option(str(jobcenter.pk))
    expect(page.locator("#new-office")).to_be_hidden()
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Uhrzeit").fill("10:30")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Anfrage senden").click()

    expect(page.locator(".alert-success")).to_contain_text("Danke! Ihre Anfrage ist angekommen.")
    assert_no_horizontal_scroll(page)
    escort_request = AccompanimentRequest.objects.get()
    assert escort_request.phone == "0203 123456"
    link = page.locator("#status-link").inner_text().strip()
    assert re.fullmatch(r".*/anfrage/[A-Za-z0-9_-]{43}/", link)
    assert link.endswith(f"/anfrage/{escort_request.token}/")

    # Later, the person opens the saved link.
    page.goto(f"{live_server.url}/anfrage/{escort_request.token}/")
    expect(page.locator("#request-office")).to_contain_text("Jobcenter Duisburg Mitte")
    expect(page.locator("#request-when")).to_contain_text(day.strftime("%d.%m.%Y"))
    expect(page.locator("#request-when")).to_contain_text("10:30 Uhr")

    page.get_by_role("link", name="Anfrage absagen").click()
    expect(page.locator("h1")).to_have_text("Anfrage absagen?")
    page.get_by_role("button", name="Ja, Anfrage absagen").click()

    expect(page.locator("#request-status")).to_contain_text("abgesagt")
    expect(page.get_by_role("link", name="Anfrage absagen")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    escort_request.refresh_from_db()
    assert escort_request.status == RequestStatus.CANCELLED
