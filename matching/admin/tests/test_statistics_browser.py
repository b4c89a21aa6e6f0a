"""The statistics page in a real chromium at 1280 px: a regional coordinator sees their region's map."""

import pytest
from django.contrib.auth.models import Permission

from geo.models import Region
from matching.engine.tests.helpers import make_volunteer
from matching.requests.tests.helpers import make_request, office
from testing import browser as browser_helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
