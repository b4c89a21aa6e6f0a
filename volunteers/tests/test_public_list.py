"""The public Mitläuferliste: counts that single nobody out, the opt-in, and a fixed number of queries."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.bitmask import to_mask
from directory.choices import InitiativeState, Language
from directory.tests.initiative_factories import InitiativeFactory
from geo.models import Region
from volunteers import services as volunteer_services
from volunteers.public_list.selectors import count_rounded, list_overview_forget
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

OVERVIEW = "/mitlaeuferliste/"
RUHR = "/mitlaeuferliste/ruhr/"


@pytest.fixture
def ruhr():
    return Region.objects.create(name="Ruhrgebiet", slug="ruhr", prefixes="44 45 46 47")


@pytest.fixture
def berlin():
    return Region.objects.create(name="Berlin", slug="berlin", prefixes="10 12 13")


def volunteers(n: int, *, code: str = "47051", **fields) -> list:
    return [VolunteerFactory(postal_code_id=code, **fields) for _ in range(n)]


def region_count_text(page: str) -> str:
    found = re.search(r'id="region-count">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize(
    ("exact", "shown"),
    [(0, None), (4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (97, 95), (98, 100), (104, 100), (105, 110)],
)
def test_counts_below_five_are_suppressed_and_the_rest_rounded(exact, shown):
    assert count_rounded(exact) == shown


def test_four_active_volunteers_show_as_fewer_than_five_and_a_call_to_join(client, ruhr):
    volunteers(4)
    page = client.get(RUHR).content.decode()
    assert region_count_text(page) == "Aktive Mitläufer*innen: weniger als 5"
    assert 'id="join"' in page and 'href="/mitmachen/"' in page


def test_the_exact_number_is_never_shown(client, ruhr):
    volunteers(13)
    page = client.get(RUHR).content.decode()
    assert region_count_text(page) == "Aktive Mitläufer*innen: etwa 15"
    assert "13" not in re.sub(r"<[^>]+>", " ", page)


def test_only_active_volunteers_count(client, ruhr):
    volunteers(4)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # Each of these would make it five; none may.
    VolunteerFactory(postal_code_id="47051", paused_until=tomorrow)
    VolunteerFactory(postal_code_id="47051", is_active=False)
    VolunteerFactory(postal_code_id="47051", briefed_at=None)
    VolunteerFactory(postal_code_id="47051", user__verified=False)
    VolunteerFactory(postal_code_id="47051", consent=False)
    VolunteerFactory(postal_code_id="10117")  # another region
    assert "weniger als 5" in region_count_text(client.get(RUHR).content.decode())
    list_overview_forget()
    VolunteerFactory(postal_code_id="45127")
    assert region_count_text(client.get(RUHR).content.decode()) == "Aktive Mitläufer*innen: etwa 5"


def test_a_language_is_named_only_when_five_speak_it(client, ruhr):
    turkish, arabic = to_mask([Language.GERMAN, Language.TURKISH]), to_mask([Language.GERMAN, Language.ARABIC])
    volunteers(5, languages=turkish)
    volunteers(4, languages=arabic)
    page = client.get(RUHR).content.decode()
    languages = re.search(r'id="region-languages">(.*?)</p>', page).group(1)
    assert "Türkisch" in languages and "Deutsch" in languages
    assert "Arabisch" not in languages


def test_the_overview_lists_every_region_with_its_rounded_count(client, ruhr, berlin):
    volunteers(12)
    volunteers(2, code="10117")
    page = client.get(OVERVIEW).content.decode()
    assert 'href="/mitlaeuferliste/ruhr/"' in page and 'href="/mitlaeuferliste/berlin/"' in page
    assert "etwa 10" in page and "weniger als 5" in page
    assert "etwa 15" in page  # the whole of Germany, 14 rounded


def test_only_volunteers_who_opted_in_are_listed_with_first_name_area_and_languages(client, ruhr):
    listed = VolunteerFactory(
        display_name="Annegret", postal_code_id="47051", phone="0203 999888", listed_publicly=True,
        languages=to_mask([Language.GERMAN, Language.POLISH]), user__email="annegret@beispiel.de",
    )  # fmt: skip
    VolunteerFactory(display_name="Unsichtbar", postal_code_id="47051")
    page = client.get(RUHR).content.decode()
    assert "Annegret" in page and "Postleitzahl 470xx" in page and "Polnisch" in page
    assert f"/mitlaeuferliste/ruhr/schreiben/{listed.pk}/" in page
    assert "Unsichtbar" not in page
    for private in ("47051", "0203 999888", "annegret@beispiel.de"):
        assert private not in page


def test_the_order_within_a_postal_area_says_nothing_about_the_exact_postal_codes(client, ruhr):
    # Sorted by the full postal code, the list told who lives in a lower-numbered part of "470xx" than whom.
    for name, code in (("Zoe", "47051"), ("Anna", "47059"), ("Berta", "47051")):
        VolunteerFactory(display_name=name, postal_code_id=code, listed_publicly=True)
    page = client.get(RUHR).content.decode()
    assert page.index(">Anna<") < page.index(">Berta<") < page.index(">Zoe<")


@pytest.mark.parametrize(
    "change",
    [
        lambda v: volunteer_services.volunteer_pause(
            volunteer=v, until=timezone.localdate() + datetime.timedelta(days=3)
        ),
        lambda v: volunteer_services.consent_withdraw(volunteer=v),
        lambda v: volunteer_services.volunteer_erase(volunteer=v),
        lambda v: v.user.emailaddress_set.update(verified=False),
    ],
    ids=["paused", "withdrawn", "erased", "unverified"],
)
def test_pausing_withdrawing_or_erasing_takes_a_volunteer_off_the_list_at_once(client, ruhr, change):
    volunteer = VolunteerFactory(display_name="Annegret", postal_code_id="47051", listed_publicly=True)
    assert "Annegret" in client.get(RUHR).content.decode()
    change(volunteer)
    # No cache to wait for: the listed people are read live.
    assert "Annegret" not in client.get(RUHR).content.decode()


def test_withdrawing_consent_clears_the_opt_in_so_consenting_again_does_not_list_them(ruhr):
    volunteer = VolunteerFactory(postal_code_id="47051", listed_publicly=True)
    volunteer_services.consent_withdraw(volunteer=volunteer)
    volunteer_services.consent_give(volunteer=volunteer, policy_version="x")
    volunteer.refresh_from_db()
    assert volunteer.listed_publicly is False and volunteer.listed_since is None


def test_the_region_page_lists_its_published_initiatives_linking_to_the_directory(client, ruhr):
    InitiativeFactory(name="Erwerbslosentreff Ruhrort", slug="ruhrort", postal_code_id="47119")
    InitiativeFactory(name="Noch nicht geprüft", slug="neu", postal_code_id="47051", state=InitiativeState.SUBMITTED)
    InitiativeFactory(name="Berliner Beratung", slug="berlin-beratung", postal_code_id="10117")
    page = client.get(RUHR).content.decode()
    assert 'href="/initiativen/ruhrort/"' in page
    assert "Noch nicht geprüft" not in page and "Berliner Beratung" not in page


def test_an_unknown_region_is_404(client, ruhr):
    assert client.get("/mitlaeuferliste/atlantis/").status_code == 404
    assert client.get("/mitlaeuferliste/atlantis/schreiben/1/").status_code == 404


def _queries(client, path: str, *, cold: bool = True) -> int:
    if cold:
        list_overview_forget()
        cache.clear()  # also the statistics snapshot behind the overview's map: counted cold, every time
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    # ATOMIC_REQUESTS wraps the view in a savepoint here (the test's transaction): not a read.
    return len([query for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]])


def test_the_pages_need_a_fixed_number_of_queries_however_many_volunteers_and_regions(client, ruhr, berlin):
    volunteers(2, listed_publicly=True)
    InitiativeFactory(postal_code_id="47051")
    client.get(OVERVIEW)  # the map's geometry is read once per process (geo.selectors), not per view
    few = {path: _queries(client, path) for path in (OVERVIEW, RUHR)}

    Region.objects.create(name="Hamburg", slug="hamburg", prefixes="20 21 22")
    volunteers(40, listed_publicly=True)  # more than a page
    volunteers(10, code="10117", listed_publicly=True)
    volunteers(5, code="20095")
    for n in range(5):
        InitiativeFactory(postal_code_id="45127", slug=f"essen-{n}")
    many = {path: _queries(client, path) for path in (OVERVIEW, RUHR)}
    assert many == few
    # The overview: its counts (2) and, cold, the statistics snapshot behind the map (beat builds it every
    # 5 minutes, so a visitor rarely pays it) and the region names of the map's table.
    assert few[OVERVIEW] <= 14 and few[RUHR] <= 5, few


def test_the_counts_are_cached(client, ruhr):
    volunteers(5)
    client.get(OVERVIEW)
    assert _queries(client, OVERVIEW, cold=False) == 0
    volunteers(5)  # new volunteers show after the cache's ten minutes, not at once
    assert "etwa 5" in client.get(OVERVIEW).content.decode()


def test_the_list_is_linked_from_the_home_page_and_footer(client):
    page = client.get("/").content.decode()
    assert page.count('href="/mitlaeuferliste/"') == 2


def test_the_list_speaks_english_too(client, ruhr):
    volunteers(3)
    client.cookies["django_language"] = "en"
    page = client.get(RUHR).content.decode()
    assert "fewer than 5" in page
    assert "weniger als 5" not in page


def test_beat_refreshes_the_counts_before_the_cache_runs_out(client, ruhr, settings):
    from volunteers.public_list.selectors import CACHE_SECONDS, REFRESH_SECONDS, list_overview_refresh_task

    entry = settings.CELERY_BEAT_SCHEDULE["public-list-counts"]
    assert entry["task"] == "volunteers.public_list.selectors.list_overview_refresh_task"
    assert REFRESH_SECONDS < CACHE_SECONDS
    client.get(OVERVIEW)
    volunteers(5)
    list_overview_refresh_task.delay()
    assert _queries(client, RUHR, cold=False) <= 3  # counts from the cache: initiatives and the listed
    assert region_count_text(client.get(RUHR).content.decode()) == "Aktive Mitläufer*innen: etwa 5"


def test_a_new_region_shows_at_once(client, ruhr, django_capture_on_commit_callbacks):
    client.get(OVERVIEW)  # cached without Hamburg
    with django_capture_on_commit_callbacks(execute=True):
        Region.objects.create(name="Hamburg", slug="hamburg", prefixes="20 21 22")
    assert client.get("/mitlaeuferliste/hamburg/").status_code == 200


def test_the_overview_shows_the_map_with_counts_only(client, ruhr):
    volunteers(7, code="47051")
    volunteers(3, code="44135")
    page = client.get(OVERVIEW).content.decode()
    assert 'id="region-map-public-title"' in page
    assert "geo/region_map.css" in page
    # 7 in the 47 area shows as 5 (rounded), 3 in the 44 area only as "weniger als 5": never an exact figure.
    table = page[page.index('class="region-map-table"') :]
    assert ">7<" not in table and ">3<" not in table
