"""The statistics page, its CSV for funders and the map: definitions, regional scope, no personal data."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from directory.models import Office
from geo.models import Region
from matching.engine.tests.helpers import make_volunteer
from matching.models import AccompanimentRequest, Match, MatchStatus, Outcome, RequestStatus
from matching.requests.statistics import MONTHS, statistics_since
from matching.requests.tests.helpers import in_days, make_request, office

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:matching_statistics")
CSV = reverse("admin:matching_statistics_csv")
SVG = "{http://www.w3.org/2000/svg}"


_hour = iter(range(100))


def _request(the_office):
    """A distinct request each time (the same details twice would be one duplicate submission)."""
    step = next(_hour)
    return make_request(the_office=the_office, starts_at=in_days(3 + step // 8, hour=8 + step % 8))


def _past(escort_request, days: int = 2) -> None:
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=days)
    )


def _companion(escort_request, volunteer, *, status=MatchStatus.ACCEPTED, outcome="", hours=5.0) -> Match:
    return Match.objects.create(
        request=escort_request,
        volunteer=volunteer,
        status=status,
        outcome=outcome,
        starts_at=escort_request.starts_at,
        ends_at=escort_request.ends_at,
        blocked_from=escort_request.starts_at,
        blocked_until=escort_request.ends_at,
        decided_at=escort_request.created_at + datetime.timedelta(hours=hours),
    )


@pytest.fixture
def two_regions():
    """Ruhr (47…) with 6 volunteers and Berlin (10…) with 2, and requests of every kind in both."""
    ruhr = Region.objects.create(name="Ruhrgebiet", slug="ruhr", prefixes="44 45 46 47")
    berlin = Region.objects.create(name="Berlin", slug="berlin", prefixes="10 12 13")
    duisburg = office()
    mitte = office(name="Jobcenter Berlin Mitte", code="10117", city="Berlin")
    volunteers = [make_volunteer(number=n) for n in range(6)]
    volunteers += [make_volunteer(number=10 + n, code="10117") for n in range(2)]
    found = _request(duisburg)
    _companion(found, volunteers[0], hours=4)
    found_too = _request(duisburg)
    _companion(found_too, volunteers[1], hours=10)
    nobody = _request(duisburg)
    # Asked people gave up; the appointment passed: nobody was found.
    _companion(nobody, volunteers[2], status=MatchStatus.DECLINED)
    _past(nobody)
    cancelled = _request(duisburg)
    AccompanimentRequest.objects.filter(pk=cancelled.pk).update(status=RequestStatus.CANCELLED)
    _request(duisburg)  # still searching, appointment ahead: open
    for _ in range(2):
        _past(_request(mitte))
    refused = _request(mitte)
    _companion(refused, volunteers[6], status=MatchStatus.DONE, outcome=Outcome.NOT_ADMITTED, hours=30)
    return ruhr, berlin


def _regional_coordinator(django_user_model, region):
    user = django_user_model.objects.create_user(
        username=f"koord-{region.slug}", email=f"{region.slug}@beispiel.de", password="pw", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_accompanimentrequest"))
    region.coordinators.add(user)
    return user


def _csv(client) -> tuple[list[str], list[list[str]]]:
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.content.decode()[1:]), delimiter=";"))
    return header, rows


def test_found_not_found_hours_and_refusals_per_region(admin_client, two_regions):
    page = admin_client.get(PAGE)
    assert page.status_code == 200
    by_region = {row["region_name"]: row for row in page.context["by_region"]}
    ruhr, berlin = by_region["Ruhrgebiet"], by_region["Berlin"]
    assert (ruhr["total"], ruhr["found_total"], ruhr["not_found"], ruhr["cancelled"], ruhr["open"]) == (5, 2, 1, 1, 1)
    assert (berlin["total"], berlin["found_total"], berlin["not_found"], berlin["refused"]) == (3, 1, 2, 1)
    hours = {row["region_name"]: row["median_hours"] for row in page.context["by_region_month"] if row["found_total"]}
    assert hours["Ruhrgebiet"] == pytest.approx(7.0, abs=0.01)  # the median of 4 and 10 hours
    assert hours["Berlin"] == pytest.approx(30.0, abs=0.01)


def test_the_funders_csv_has_counts_per_region_and_month_and_no_personal_data(admin_client, two_regions):
    header, rows = _csv(admin_client)
    assert header[:5] == ["region", "month", "requests", "found", "not_found"]
    assert {row[0] for row in rows} == {"Berlin", "Ruhrgebiet"}
    text = "\n".join(";".join(row) for row in rows)
    for personal in ("Ayşe", "ayse@beispiel.de", "Freiwillige", "Jobcenter", "47051"):
        assert personal not in text
    ruhr = [row for row in rows if row[0] == "Ruhrgebiet"]
    assert sum(int(row[header.index("requests")]) for row in ruhr) == 5
    assert any(row[header.index("hours_to_confirmation_median")] == "7,0" for row in ruhr)


def test_a_regional_coordinator_sees_only_their_region_in_page_csv_and_map(client, django_user_model, two_regions):
    ruhr, berlin = two_regions
    for mine, other in ((ruhr, berlin), (berlin, ruhr)):
        client.force_login(_regional_coordinator(django_user_model, mine))
        page = client.get(PAGE)
        assert page.status_code == 200
        assert [row["region_name"] for row in page.context["by_region"]] == [mine.name]
        html = page.content.decode()
        assert other.name not in html
        _header, rows = _csv(client)
        assert {row[0] for row in rows} == {mine.name}
        prefixes = {row["prefix"] for row in page.context["region_map"]["rows"]}
        assert prefixes == set(mine.prefix_list)
        # The other region is drawn white, without a count.
        other_prefix = other.prefix_list[0]
        assert f'fill="#ffffff" stroke="#ffffff" data-prefix="{other_prefix}"' in html


def test_someone_without_the_view_permission_gets_no_statistics(client, django_user_model, two_regions):
    user = django_user_model.objects.create_user(username="staff", email="s@beispiel.de", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


def _parse(svg_markup: str) -> ET.Element:
    return ET.fromstring(svg_markup)  # noqa: S314  (our own markup, parsed to prove it is well-formed)


def test_the_map_is_well_formed_svg_with_a_legend_a_title_and_a_table(admin_client, two_regions):
    html = admin_client.get(PAGE).content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="germany-map"')
    end = html.index("</svg>", start) + len("</svg>")
    svg = _parse(html[start:end])
    assert svg.find(f"{SVG}title").text.startswith("Mitläufer*innen und Anfragen ohne Begleitung")
    assert "Postleitzahl" in svg.find(f"{SVG}desc").text
    assert svg.get("role") == "img"
    legend = svg.find(f"{SVG}g[@class='legend']")
    assert "Aktive Mitläufer*innen" in "".join(legend.itertext())
    # ~95 two-digit regions, each a shape; the 47 region is shaded (6 volunteers), circles for "nobody found".
    assert len(svg.findall(f"{SVG}g/{SVG}path")) > 90
    assert svg.find(f"{SVG}g/{SVG}path[@data-prefix='47']").get("fill") != "#f2f2f2"
    assert len(svg.findall(f"{SVG}circle")) >= 2
    assert "<details><summary>Die Zahlen der Karte als Tabelle</summary>" in html.replace("\n", "").replace("  ", "")


def test_the_public_map_suppresses_counts_below_five(two_regions):
    html = Template("{% load region_map_tags %}{% public_region_map %}").render(Context({}))
    # 6 volunteers in 47… are published as 5, the 1 request there that found nobody not at all;
    # Berlin's 2 volunteers and 2 such requests neither.
    assert '<th scope="row">47…</th><td>Ruhrgebiet</td><td>5</td><td>weniger als 5</td>' in html
    assert '<th scope="row">10…</th><td>Berlin</td><td>weniger als 5</td><td>weniger als 5</td>' in html
    assert ">6<" not in html and ">2<" not in html.split("<details>")[1]
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    svg = _parse(html[start:end])
    assert svg.find(f"{SVG}g/{SVG}path[@data-prefix='10']").get("fill") == "#d9d9d9"
    assert not list(svg.iter(f"{SVG}circle"))
    assert "weniger als 5" in "".join(svg.find(f"{SVG}g[@class='legend']").itertext())


def test_the_public_map_is_cached(two_regions, django_assert_max_num_queries):
    template = Template("{% load region_map_tags %}{% public_region_map %}")
    first = template.render(Context({}))
    make_volunteer(number=99)
    with django_assert_max_num_queries(0):
        assert template.render(Context({})) == first


def test_the_figures_come_from_a_snapshot_that_beat_refreshes(admin_client, two_regions):
    from matching.requests.statistics import statistics_refresh

    def nobody_found_in_berlin() -> int:
        return {row["region_name"]: row for row in admin_client.get(PAGE).context["by_region"]}["Berlin"]["not_found"]

    assert nobody_found_in_berlin() == 2
    _past(_request(Office.objects.get(postal_code_id="10117")))
    assert nobody_found_in_berlin() == 2  # the cached snapshot
    statistics_refresh()
    assert nobody_found_in_berlin() == 3
    _past(_request(Office.objects.get(postal_code_id="10117")))
    assert admin_client.get(PAGE + "?neu=1").context["by_region"][0]["not_found"] == 4


def test_the_window_is_twelve_months_including_this_one():
    # "12 months" went back 11 × 31 days from the first of this month, which always lands in the month before
    # the window (11 months have 334 to 337 days): the page said "seit November 2025" on 30 November 2026.
    today = timezone.localdate()
    months_back = today.year * 12 + today.month - 1 - (MONTHS - 1)
    assert statistics_since() == datetime.date(months_back // 12, months_back % 12 + 1, 1)
