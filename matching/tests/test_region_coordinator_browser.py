"""A regional coordinator's view in a real chromium at 1280 px: second factor, then only Berlin."""

from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from playwright.sync_api import expect

from matching.tests.region_world import PASSWORD, two_regions
from testing.browser import admin_sign_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"region-{name}.png"), full_page=True)


def test_a_berlin_coordinator_sees_berlin_only(browser, live_server, settings):
    settings.ADMIN_REQUIRE_MFA = True
    berlin, ruhr = two_regions()
    secret = generate_totp_secret()
    TOTP.activate(berlin.coordinator, secret)
    page = new_page(browser, phone=False)
    base = live_server.url

    admin_sign_in(page, base, email=berlin.coordinator.email, password=PASSWORD, totp_secret=secret)

    # "Heute zu tun": one request to call back in Berlin (Ruhr has one too, not counted here).
    expect(page.locator("#heute-zu-tun")).to_be_visible()
    assert page.locator('#heute-zu-tun [data-queue="anrufen"] .queue-count').inner_text() == "1"
    # Nothing of the national team's: no user accounts, no outbox, no audit trail.
    nav = page.locator("#content-main").inner_text()
    assert "Benutzer" not in nav and "ausgehende" not in nav.lower()
    assert "Berlin" in page.locator("#my-regions").inner_text()
    shot(page, "dashboard")

    page.goto(f"{base}/admin/matching/accompanimentrequest/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    assert "Jobcenter Berlin" in rows.first.inner_text()
    assert "Ruhr" not in page.locator("#content").inner_text()
    # One region: no region column and no region filter to choose from.
    expect(page.locator("th.column-region_name")).to_have_count(0)
    shot(page, "requests")

    page.goto(f"{base}/admin/volunteers/volunteer/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert "Berlinmarker" in page.locator("#result_list").inner_text()

    response = page.goto(f"{base}/admin/matching/accompanimentrequest/{ruhr.escort_request.pk}/change/")
    assert response.status == 404
    page.context.close()
