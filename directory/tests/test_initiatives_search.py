"""The public directory: search by place, distance order, filters, pages, and a fixed number of queries."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.bitmask import to_mask
from directory import initiative_selectors as selectors
from directory.choices import InitiativeReach, InitiativeService, InitiativeState, Language
from directory.models import Initiative, Office
from directory.tests.initiative_factories import InitiativeFactory, online_initiative
from geo.distances import haversine_km
from geo.models import PostalCode

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:initiative_list")


def names(response) -> list[str]:
    return [initiative.name for initiative in response.context["page"].object_list]


def place(code: str) -> selectors.Place:
    postal_code = PostalCode.objects.get(code=code)
    return selectors.Place(label=code, latitude=postal_code.latitude, longitude=postal_code.longitude)


@pytest.fixture
def around_duisburg():
    """Distances from 47051: 47053 1.8 km, 47166 6.8 km, 45127 (Essen) 17 km, 40210 (Düsseldorf) 23.5 km."""
    return {
        "hamborn": InitiativeFactory(name="Hamborn", postal_code_id="47166", radius_km=20),
        "mitte": InitiativeFactory(name="Mitte", postal_code_id="47053", radius_km=20),
        "essen": InitiativeFactory(name="Essen", postal_code_id="45127", city="Essen", radius_km=20),
        # Within the searched radius, but its own reach ends before Duisburg.
        "duesseldorf": InitiativeFactory(name="Düsseldorf", postal_code_id="40210", city="Düsseldorf", radius_km=10),
        "berlin": InitiativeFactory(name="Berlin", postal_code_id="10117", city="Berlin", radius_km=50),
        "online": online_initiative(name="Online"),
        "nationwide": online_initiative(name="Bundesweit", reach=InitiativeReach.NATIONWIDE),
        "submitted": InitiativeFactory(name="Eingereicht", postal_code_id="47051", state=InitiativeState.SUBMITTED),
        "archived": InitiativeFactory(name="Archiviert", postal_code_id="47051", state=InitiativeState.ARCHIVED),
    }


def test_it_orders_initiatives_by_distance(around_duisburg):
    found = list(selectors.initiatives_search(place=place("47051"), radius_km=50))

    assert [initiative.name for initiative in found] == ["Mitte", "Hamborn", "Essen", "Bundesweit", "Online"]
    assert [round(initiative.distance_km, 1) for initiative in found[:3]] == [1.8, 6.8, 17.0]


def test_it_keeps_to_the_searched_radius(around_duisburg):
    found = selectors.initiatives_search(place=place("47051"), radius_km=10)

    assert [initiative.name for initiative in found] == ["Mitte", "Hamborn", "Bundesweit", "Online"]


def test_it_keeps_to_each_initiatives_own_reach(around_duisburg):
    found = selectors.initiatives_search(place=place("40210"), radius_km=100)

    # Düsseldorf itself is at 0 km; Essen's 20 km do not reach Düsseldorf, Hamborn's do not either.
    assert [initiative.name for initiative in found] == ["Düsseldorf", "Bundesweit", "Online"]


def test_it_lists_only_published_initiatives_without_a_search(client, around_duisburg):
    response = client.get(LIST_URL)

    assert names(response) == sorted(["Hamborn", "Mitte", "Essen", "Düsseldorf", "Berlin", "Online", "Bundesweit"])


def test_the_distance_is_the_same_on_sqlite_as_on_postgresql():
    # The expression is built from Django's math functions; SQLite gets them from Django too.
    origin = place("47051")
    expression = selectors.distance_km_expression(latitude=origin.latitude, longitude=origin.longitude)
    codes = ["47053", "45127", "10117", "80337"]
    on_postgresql = dict(PostalCode.objects.filter(code__in=codes).annotate(km=expression).values_list("code", "km"))

    for code in codes:
        point = PostalCode.objects.get(code=code)
        assert on_postgresql[code] == pytest.approx(
            haversine_km((origin.latitude, origin.longitude), (point.latitude, point.longitude)), rel=1e-9
        )


@pytest.mark.django_db(databases=["default", "sqlite"])
def test_the_search_gives_the_same_order_on_sqlite():
    for database in ("default", "sqlite"):
        for name, code, radius in [("B", "47166", 20), ("A", "47053", 20), ("C", "45127", 20), ("D", "40210", 10)]:
            initiative = InitiativeFactory.build(name=name, slug=name.lower(), postal_code_id=code, radius_km=radius)
            initiative.save(using=database)
    found = {
        database: [
            (initiative.name, round(initiative.distance_km, 6))
            for initiative in selectors.initiatives_search(place=place("47051"), radius_km=50).using(database)
        ]
        for database in ("default", "sqlite")
    }

    assert [name for name, _ in found["default"]] == ["A", "B", "C"]
    assert found["sqlite"] == found["default"]


def test_the_page_searches_by_postal_code(client, around_duisburg):
    response = client.get(LIST_URL, {"ort": "47051", "umkreis": "25"})

    assert names(response) == ["Mitte", "Hamborn", "Essen", "Bundesweit", "Online"]
    assert "In Ihrer Nähe" in response.content.decode()
    assert "ca. 2 km entfernt" in response.content.decode()


def test_the_page_takes_plz_as_well_as_ort(client, around_duisburg):
    by_plz = client.get(LIST_URL, {"plz": "47051", "umkreis": "25"})

    assert names(by_plz) == names(client.get(LIST_URL, {"ort": "47051", "umkreis": "25"}))
    assert "In Ihrer Nähe" in by_plz.content.decode()


@pytest.mark.parametrize("bad", ["4705", "470511", "47o51", "00000", "４７０５１"])
def test_it_explains_a_bad_postal_code(client, around_duisburg, bad):
    response = client.get(LIST_URL, {"ort": bad})

    assert response.status_code == 200
    assert names(response) == []
    assert response.context["search_form"].errors["ort"]


def test_it_searches_by_the_name_of_a_town_with_initiatives(client, around_duisburg):
    response = client.get(LIST_URL, {"ort": "  duisburg ", "umkreis": "10"})

    # Duisburg is placed at the mean of its published initiatives, between Hamborn and Mitte.
    found = names(response)
    assert sorted(found[:2]) == ["Hamborn", "Mitte"]
    assert found[2:] == ["Bundesweit", "Online"]


def test_it_searches_by_the_name_of_a_town_with_an_office(client, around_duisburg):
    Office.objects.create(name="Jobcenter Oberhausen", kind=0, postal_code_id="46045", city="Oberhausen")

    response = client.get(LIST_URL, {"ort": "Oberhausen", "umkreis": "10"})

    assert names(response)[:2] == ["Hamborn", "Mitte"]


def test_it_says_so_when_it_does_not_know_the_place(client, around_duisburg):
    response = client.get(LIST_URL, {"ort": "Nirgendwo"})

    assert names(response) == []
    assert "Diesen Ort kennen wir nicht" in response.content.decode()


def test_it_says_so_when_nothing_is_near(client):
    InitiativeFactory(name="Berlin", postal_code_id="10117", radius_km=50)

    response = client.get(LIST_URL, {"ort": "47051", "umkreis": "100"})

    assert names(response) == []
    assert "Hier haben wir leider nichts gefunden" in response.content.decode()


def test_it_filters_by_service(client, around_duisburg):
    around_duisburg["hamborn"].services = to_mask([InitiativeService.DEBT, InitiativeService.ESCORT])
    around_duisburg["hamborn"].save()
    around_duisburg["online"].services = to_mask([InitiativeService.DEBT])
    around_duisburg["online"].save()

    response = client.get(LIST_URL, {"ort": "47051", "angebot": [str(InitiativeService.DEBT)]})

    assert names(response) == ["Hamborn", "Online"]


def test_several_services_find_initiatives_with_any_of_them(client, around_duisburg):
    around_duisburg["hamborn"].services = to_mask([InitiativeService.DEBT])
    around_duisburg["hamborn"].save()
    around_duisburg["essen"].services = to_mask([InitiativeService.FOOD])
    around_duisburg["essen"].save()

    response = client.get(
        LIST_URL, {"ort": "47051", "angebot": [str(InitiativeService.DEBT), str(InitiativeService.FOOD)]}
    )

    assert names(response) == ["Hamborn", "Essen"]


def test_it_filters_by_language(client, around_duisburg):
    around_duisburg["essen"].languages = to_mask([Language.GERMAN, Language.ARABIC])
    around_duisburg["essen"].save()

    response = client.get(LIST_URL, {"sprache": str(Language.ARABIC)})

    assert names(response) == ["Essen"]


def test_it_ignores_an_unknown_filter_value(client, around_duisburg):
    response = client.get(LIST_URL, {"angebot": ["99"], "sprache": "x"})

    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"plz": "47051"}, {"ort": "47051"}, {"ort": "47051", "umkreis": ""}])
def test_a_search_without_a_radius_shows_the_radius_it_used(client, around_duisburg, params):
    response = client.get(LIST_URL, params)

    content = response.content.decode()
    assert response.context["radius_km"] == 25
    assert '<option value="25" selected>' in content
    assert "im Umkreis von 25 km" in content


def test_it_pages_the_results(client):
    for number in range(25):
        InitiativeFactory(name=f"Initiative {number:02d}")

    first = client.get(LIST_URL, {"ort": "47051"})
    second = client.get(LIST_URL, {"ort": "47051", "seite": "2"})

    assert len(names(first)) == 20
    assert len(names(second)) == 5
    assert "seite=2" in first.content.decode()
    assert "ort=47051" in first.content.decode()


def test_the_detail_page_shows_a_published_initiative(client):
    initiative = InitiativeFactory(
        name="Erwerbslosentreff",
        services=to_mask([InitiativeService.UNEMPLOYED_SELF_HELP]),
        opening_hours="Di 9–13 Uhr",
        contact_email="geheim@initiative.example",
    )

    response = client.get(reverse("directory:initiative_detail", kwargs={"slug": initiative.slug}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Erwerbslosentreff / Selbsthilfe" in content
    assert "Di 9–13 Uhr" in content
    assert "geheim@initiative.example" not in content


@pytest.mark.parametrize("state", [InitiativeState.SUBMITTED, InitiativeState.ARCHIVED])
def test_the_detail_page_hides_unpublished_initiatives(client, state):
    initiative = InitiativeFactory(state=state)

    response = client.get(reverse("directory:initiative_detail", kwargs={"slug": initiative.slug}))

    assert response.status_code == 404


def _queries(client, url, params=None) -> int:
    caches["local"].clear()  # as in a fresh process: the postal code is not kept yet
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context)


def _make(count: int) -> list[Initiative]:
    made = []
    for number in range(count):
        made.append(
            InitiativeFactory(
                postal_code_id=["47051", "47053", "47166"][number % 3],
                services=to_mask([InitiativeService.DEBT, InitiativeService.ESCORT]),
                languages=to_mask([Language.GERMAN, Language.TURKISH]),
            )
        )
        online_initiative(services=to_mask([InitiativeService.DEBT]))
    return made


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ort": "47051", "umkreis": "25"},
        {"ort": "Duisburg", "umkreis": "25"},
        {"ort": "47051", "angebot": [str(InitiativeService.DEBT)], "sprache": str(Language.TURKISH)},
    ],
    ids=["list", "postal-code", "place", "filters"],
)
def test_the_list_and_search_need_a_fixed_number_of_queries_however_many_entries(client, params):
    _make(1)
    one_page = _queries(client, LIST_URL, params)
    _make(29)
    several_pages = _queries(client, LIST_URL, params)

    # A first page that holds every result is counted by its rows; only a full one asks for the count.
    assert several_pages == one_page + 1
    # At most: where the place is, the page's count and the page's rows (read-only: no transaction).
    assert several_pages <= 3


# Read-only pages: outside ATOMIC_REQUESTS, so no savepoint pair around the view's queries.


@pytest.mark.parametrize(("count", "queries"), [(1, 1), (30, 2)])
def test_the_list_needs_the_rows_and_for_more_than_a_page_the_count(client, django_assert_num_queries, count, queries):
    _make(count)
    with django_assert_num_queries(queries):
        client.get(LIST_URL)


@pytest.mark.parametrize(("count", "queries"), [(1, 2), (30, 3)])
def test_the_postal_code_search_needs_the_code_the_rows_and_maybe_the_count(
    client, django_assert_num_queries, count, queries
):
    _make(count)
    with django_assert_num_queries(queries):
        client.get(LIST_URL, {"ort": "47051", "angebot": [str(InitiativeService.DEBT)]})


def test_a_known_postal_code_is_looked_up_once_per_process(client, django_assert_num_queries):
    _make(1)
    client.get(LIST_URL, {"ort": "47051"})

    with django_assert_num_queries(1):  # the rows only
        response = client.get(LIST_URL, {"ort": "47051"})

    assert len(names(response)) == 2


def test_the_first_page_of_a_short_list_counts_its_rows(client):
    _make(2)

    response = client.get(LIST_URL, {"ort": "47051"})

    assert response.context["page"].paginator.count == len(names(response)) == 4
    assert "4 Initiativen gefunden" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_detail_page_needs_one_query(client, django_assert_num_queries, count):
    initiative = _make(count)[0]

    with django_assert_num_queries(1):
        client.get(reverse("directory:initiative_detail", kwargs={"slug": initiative.slug}))
