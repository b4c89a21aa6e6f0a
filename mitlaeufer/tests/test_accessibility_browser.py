"""axe-core finds no serious or critical problem on the public pages, in German, English and Arabic.

axe-core comes inside the axe-playwright-python wheel (requirements-dev.txt), so this runs offline.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from matching.requests.services import request_create
from matching.requests.tests.helpers import in_days, office
from testing.browser import new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ["/", "/anfrage/", "/datenschutz/", "/impressum/", "/initiativen/", "/mitmachen/", "/konto/login/"]
BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("language", ["de", "en", "ar"])
def test_public_pages_have_no_serious_accessibility_problem(browser, live_server, settings, language):
    settings.COORDINATOR_PHONE = "0203 123 456"
    jobcenter = office()
    escort_request, _created = request_create(
        office=jobcenter,
        new_office=None,
        language=language,
        privacy_policy_version=settings.PRIVACY_POLICY_VERSION,
        first_name="Amal",
        email="amal@beispiel.de",
        phone="",
        starts_at=in_days(4),
        duration_minutes=60,
    )
    page = new_page(browser)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    found = {}
    for path in [*PUBLIC_PAGES, f"/anfrage/{escort_request.token}/", "/gibt-es-nicht/"]:
        page.goto(f"{live_server.url}{path}")
        german_only = language not in settings.LANGUAGES_EVERYWHERE and path in ("/mitmachen/", "/konto/login/")
        assert page.locator("html").get_attribute("lang") == ("de" if german_only else language)
        problems = blocking_violations(page)
        if problems:
            found[path] = problems
    page.context.close()
    assert found == {}


def test_the_check_sees_the_old_footer_contrast_problem(browser, live_server):
    """Bootstrap's link blue on the footer's grey (4.26:1) was the one serious finding; axe must see it."""
    page = new_page(browser)
    page.goto(f"{live_server.url}/")
    assert blocking_violations(page) == []
    page.evaluate("document.querySelectorAll('footer a').forEach(link => { link.style.color = '#0d6efd'; })")
    assert any(problem.startswith("color-contrast (serious)") for problem in blocking_violations(page))
    page.context.close()
