"""A coordinator's morning in a real chromium: second factor, dashboard, a phone request, "Wer kann?",
one volunteer accepts, the other sees "schon gefunden", a call note."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from playwright.sync_api import expect

from matching.engine.tests.helpers import make_office, make_volunteer
from matching.models import AccompanimentRequest, CallLog, Match
from testing import browser as browser_helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-langes-passwort-42"


def _appointment_day() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=4)
    while day.weekday() == 6:
        day += datetime.timedelta(days=1)
    return day


def test_a_coordinators_morning(browser, live_server, settings, django_user_model):
    settings.ADMIN_REQUIRE_MFA = True
    office = make_office(name="Jobcenter Duisburg Mitte")
    first, second = make_volunteer(number=1), make_volunteer(number=2)
    coordinator = django_user_model.objects.create_user(
        username="koordination", email="k@beispiel.de", password=PASSWORD, is_staff=True, is_superuser=True
    )
    EmailAddress.objects.create(user=coordinator, email=coordinator.email, primary=True, verified=True)
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)

    page = browser_helpers.new_page(browser, phone=False)
    base = live_server.url
    # 1. Log in with password and the second factor.
    browser_helpers.admin_sign_in(page, base, email=coordinator.email, password=PASSWORD, totp_secret=secret)
    # 2. The dashboard.
    expect(page.locator("#heute-zu-tun")).to_be_visible()
    assert page.locator('#heute-zu-tun [data-queue="anrufen"] .queue-count').inner_text() == "0"

    # 3. A caller: Olena, phone only, Jobcenter in 47051.
    page.goto(f"{base}/admin/matching/accompanimentrequest/")
    page.click("#phone-intake-link")
    page.fill("input[name=first_name]", "Olena")
    page.fill("input[name=phone]", "0203 998877")
    page.fill("input[name=office_query]", "47051")
    page.click("button[name=search]")
    page.select_option("select[name=office]", str(office.pk))
    page.fill("input[name=date]", _appointment_day().isoformat())
    page.fill("input[name=time]", "10:00")
    page.check("input[name=consent]")
    page.click("input[name=send]")
    escort_request = AccompanimentRequest.objects.get()
    assert escort_request.intake_channel == "phone"
    assert f"/anfrage/{escort_request.token}/" in page.content()  # the printable confirmation
    page.click("text=zurück zur Anfrage")

    # 4. "Wer kann?": the two nearest are asked at once.
    page.select_option("#who_can_count", "2")
    page.click("#who-can button")
    assert "Wer kann? 2 angefragt" in page.locator(".messagelist").inner_text()
    matches = {m.volunteer_id: m for m in Match.objects.filter(request=escort_request)}
    assert set(matches) == {first.pk, second.pk}

    # 5. The first volunteer accepts; the second comes too late.
    for volunteer, expected in ((first, "Sie haben zugesagt"), (second, "Schon gefunden")):
        volunteer_page = browser_helpers.new_page(browser)
        volunteer_page.goto(f"{base}/einsatz/{matches[volunteer.pk].token}/")
        if volunteer is first:
            volunteer_page.click("button[value=accept]")
            assert expected in volunteer_page.locator("#match-status").inner_text()
        else:
            assert expected in volunteer_page.locator("#match-status").inner_text()
        volunteer_page.context.close()

    # 6. Olena has no e-mail: she is in the call queue; the coordinator calls and notes it.
    page.goto(f"{base}/admin/")
    assert page.locator('#heute-zu-tun [data-queue="anrufen"] .queue-count').inner_text() == "1"
    page.click('#heute-zu-tun [data-queue="anrufen"] th a')
    page.locator("#result_list tbody tr th a").first.click()
    # expect() waits for the navigation; a plain is_visible() would look at the list still shown.
    expect(page.locator("#call-needed")).to_be_visible()
    page.check("input[name=calls-0-reached]")
    page.fill("textarea[name=calls-0-note]", "Erreicht: Treffen 9:45 vor dem Eingang")
    page.click("input[name=_continue]")
    assert re.search(r"erfolgreich|geändert", page.locator(".messagelist").inner_text())
    expect(page.locator("#call-needed")).to_have_count(0)
    call = CallLog.objects.get()
    assert (call.reached, call.called_by_id, call.note) == (
        True,
        coordinator.pk,
        "Erreicht: Treffen 9:45 vor dem Eingang",
    )
