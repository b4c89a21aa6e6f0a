"""The statistics page in a real chromium at 1280 px, and the public map at 360 px: scope, CSP, axe."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import Permission
from django.template import Context, Template

from geo.models import Region
from matching.engine.tests.helpers import make_volunteer
from matching.requests.tests.helpers import make_request, office
from testing import browser as browser_helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSS = Path(settings.BASE_DIR) / "static" / "geo" / "region_map.css"
CSP_LISTENER = (
    "document.addEventListener('securitypolicyviolation', e => "
    "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
)


def test_a_regional_coordinator_sees_the_map_of_their_region_without_csp_violations(
    browser, live_server, client, django_user_model
):
    ruhr = Region.objects.create(name="Ruhrgebiet", slug="ruhr", prefixes="44 45 46 47")
    Region.objects.create(name="Berlin", slug="berlin", prefixes="10 12 13")
    for number in range(3):
        make_volunteer(number=number)
    make_request(the_office=office())
    user = django_user_model.objects.create_user(username="ruhr", email="r@beispiel.de", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_accompanimentrequest"))
    ruhr.coordinators.add(user)
    client.force_login(user)
    page = browser_helpers.new_page(browser, phone=False)
    page.context.add_init_script(CSP_LISTENER)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    page.goto(f"{live_server.url}/admin/matching/accompanimentrequest/statistik/")

    assert page.locator("h1, #content h1").first.is_visible()
    svg = page.locator("svg.germany-map")
    box = svg.bounding_box()
    assert box["width"] > 250 and box["height"] > 250
    assert page.locator("svg.germany-map path[data-prefix='47']").get_attribute("fill") != "#ffffff"
    assert "Nur Ihre Regionen: Ruhrgebiet" in page.locator("#content").inner_text()
    assert "Berlin" not in page.locator("#content").inner_text()
    page.locator("summary", has_text="Die Zahlen der Karte als Tabelle").click()
    assert page.locator(".region-map-table").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= browser_helpers.DESKTOP["width"]
    assert page.evaluate("window.__csp || []") == []


def _blocking_violations(page, selector: str) -> list[str]:
    results = Axe().run(page, context=selector)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def test_the_statistics_and_the_public_map_have_no_serious_accessibility_problem(
    browser, live_server, client, django_user_model
):
    Region.objects.create(name="Ruhrgebiet", slug="ruhr", prefixes="44 45 46 47")
    for number in range(7):
        make_volunteer(number=number)
    make_request(the_office=office())
    user = django_user_model.objects.create_superuser("national", "n@beispiel.de", "pw")
    client.force_login(user)
    page = browser_helpers.new_page(browser, phone=False)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(f"{live_server.url}/admin/matching/accompanimentrequest/statistik/")
    assert _blocking_violations(page, ".statistics") == []

    # The public variant, as the Mitläuferliste will embed it, on a phone.
    markup = Template("{% load region_map_tags %}<main><h1>Mitläuferliste</h1>{% public_region_map %}</main>").render(
        Context({})
    )
    phone = browser_helpers.new_page(browser)
    head = '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Karte</title>'
    phone.set_content(f'<!doctype html><html lang="de"><head>{head}</head><body>{markup}</body></html>')
    phone.add_style_tag(path=str(CSS))
    phone.locator("summary").click()
    browser_helpers.assert_fits_a_phone(phone)
    assert phone.locator("svg.germany-map").bounding_box()["width"] > 300
    assert _blocking_violations(phone, "main") == []
