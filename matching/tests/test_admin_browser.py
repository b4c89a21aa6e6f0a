"""The coordinators' admin in a real chromium: no page they use trips the Content-Security-Policy."""

import pytest

from matching.engine.proposals import proposals_refresh
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.services import match_accept, match_ask, match_record_outcome
from matching.models import Match, Outcome
from testing import browser as browser_helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collected in every page before its own scripts run; the test reads it after each page.
CSP_LISTENER = (
    "document.addEventListener('securitypolicyviolation', e => {"
    " (window.__csp = window.__csp || []).push("
    " [e.violatedDirective, e.blockedURI, e.sourceFile + ':' + e.lineNumber, e.sample].join(' | ')); });"
)


def _world(coordinator):
    office = make_office()
    volunteers = [make_volunteer(number=i) for i in range(1, 4)]
    open_request = make_request(office=office, starts_at=next_weekday_at(10, days_ahead=4), phone="0203 1", email="")
    proposals_refresh(request_id=open_request.pk)
    done_request = make_request(office=office, starts_at=next_weekday_at(14, days_ahead=5))
    match = match_accept(match=match_ask(escort_request=done_request, volunteer=volunteers[0], actor=coordinator))
    import datetime

    from django.utils import timezone

    Match.objects.filter(pk=match.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    match.refresh_from_db()
    match_record_outcome(match=match, outcome=Outcome.NOT_ADMITTED)
    return open_request, done_request, match, volunteers


def _login(page, live_server, client, user) -> None:
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_the_pages_coordinators_use_raise_no_csp_violation(browser, live_server, client, django_user_model):
    coordinator = django_user_model.objects.create_user(
        username="koordination", email="k@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )
    open_request, done_request, match, volunteers = _world(coordinator)
    page = browser_helpers.new_page(browser, phone=False)
    page.context.add_init_script(CSP_LISTENER)
    console: list[str] = []
    page.on(
        "console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None
    )
    _login(page, live_server, client, coordinator)
    pages = [
        "/admin/",
        "/admin/matching/accompanimentrequest/",
        "/admin/matching/accompanimentrequest/?warteschlange=neu",
        f"/admin/matching/accompanimentrequest/{open_request.pk}/change/",
        f"/admin/matching/accompanimentrequest/{done_request.pk}/change/",
        "/admin/matching/accompanimentrequest/telefon/",
        f"/admin/matching/accompanimentrequest/{open_request.pk}/bestaetigung/",
        "/admin/matching/accompanimentrequest/statistik/",
        "/admin/matching/match/",
        f"/admin/matching/match/{match.pk}/change/",
        "/admin/volunteers/volunteer/",
        f"/admin/volunteers/volunteer/{volunteers[1].pk}/change/",
        "/admin/directory/office/",
        "/admin/directory/initiative/",
        "/admin/auth/user/",
    ]
    violations = {}
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__csp || []")
        if found:
            violations[path] = found
    # The collapsible fieldset and the "Wer kann?" select work without inline script.
    page.goto(f"{live_server.url}/admin/matching/accompanimentrequest/{open_request.pk}/change/")
    assert page.locator("#who-can select").count() == 1
    assert violations == {}
    assert console == []
