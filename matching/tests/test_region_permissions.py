"""The permission matrix: coordinators of two regions × every admin URL and action.

The URLs come from the admin site's registry, so an admin added later is covered without touching this
file; one that declares no region scope (``geo.admin_scope``) fails the first test. Each coordinator is
made as an operator makes one (``create_coordinator --region``), with the group's real permissions.
"""

import csv
import io
import uuid

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import URLPattern, reverse

from core.models import OutgoingMail
from geo.admin_scope import NATIONAL_ONLY, NOT_REGION_BOUND, SCOPED
from geo.models import PostalCode, Region
from matching.models import AccompanimentRequest, CallLog, Match, MatchEvent, Proposal, Referral
from matching.tests.region_world import regional_coordinator, two_regions
from volunteers.models import Absence, Volunteer

pytestmark = pytest.mark.django_db

KINDS = {SCOPED, NOT_REGION_BOUND, NATIONAL_ONLY}


def _registry():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _path_target(model, path: str):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def test_every_admin_declares_its_region_scope():
    undeclared = [m._meta.label for m, a in _registry() if getattr(a, "region_scope", None) not in KINDS]
    assert not undeclared, f"declare region scoping (geo.admin_scope) for: {undeclared}"
    for model, model_admin in _registry():
        if model_admin.region_scope == SCOPED:
            assert _path_target(model, model_admin.region_path) is PostalCode, model._meta.label


@pytest.fixture
def worlds():
    return two_regions()


def _snapshot(world) -> dict:
    """Everything of a region an admin page could change."""
    request_id = world.escort_request.pk
    return {
        "request": list(AccompanimentRequest.objects.filter(pk=request_id).values()),
        "matches": list(Match.objects.filter(request_id=request_id).values()),
        "events": MatchEvent.objects.filter(match__request_id=request_id).count(),
        "calls": list(CallLog.objects.filter(request_id=request_id).values()),
        "referrals": list(Referral.objects.filter(request_id=request_id).values()),
        "proposals": list(Proposal.objects.filter(request_id=request_id).values("volunteer_id", "rank")),
        "volunteer": list(Volunteer.objects.filter(pk=world.volunteer.pk).values()),
        "absences": Absence.objects.filter(volunteer=world.volunteer).count(),
        "mails": OutgoingMail.objects.count(),
    }


def _url_kwargs(pattern: URLPattern, model, other) -> dict | None:
    """Values for a pattern's parameters that point at the other region; None for a list-level URL."""
    names = set(pattern.pattern.converters)
    if not names:
        return None
    values = {
        "object_id": other.objects.get(model, other.escort_request).pk,
        "pk": other.objects.get(model, other.escort_request).pk,
        "match_id": other.match.pk,
        "volunteer_id": other.volunteer.pk,
        "run_id": uuid.uuid4().hex,
    }
    return {name: values.get(name, 1) for name in names}


def _admin_urls(model, model_admin, other):
    """(url, points at another region's row) for every named URL of a model admin."""
    for pattern in model_admin.urls:
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        kwargs = _url_kwargs(pattern, model, other)
        if kwargs is not None and model_admin.region_scope != SCOPED:
            # Another region's row exists only for scoped models; national-only pages refuse anyway.
            kwargs = {name: (value if name == "run_id" else 1) for name, value in kwargs.items()}
        pointed = kwargs is not None and set(kwargs) != {"run_id"}
        yield reverse(f"admin:{pattern.name}", kwargs=kwargs), pointed


@pytest.mark.parametrize("pair", [("berlin", "ruhr"), ("ruhr", "berlin")])
def test_every_admin_url_of_another_region_is_404_or_403_and_changes_nothing(client, worlds, pair):
    berlin, ruhr = worlds
    mine, other = (berlin, ruhr) if pair[0] == "berlin" else (ruhr, berlin)
    client.force_login(mine.coordinator)
    before = _snapshot(other)
    checked = 0
    for model, model_admin in _registry():
        for url, pointed in _admin_urls(model, model_admin, other):
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"who_can_count": "2", "pairs": "1:1"})
                assert response.status_code < 500, (method, url)
                if pointed and model_admin.region_scope == SCOPED:
                    assert response.status_code in (403, 404), (method, url, response.status_code)
                elif model_admin.region_scope == NATIONAL_ONLY:
                    assert response.status_code == 403, (method, url, response.status_code)
                body = response.content.decode(errors="replace")
                assert other.marker not in body, (method, url)
                checked += 1
    assert _snapshot(other) == before
    assert checked > 80


@pytest.mark.parametrize("pair", [("berlin", "ruhr"), ("ruhr", "berlin")])
def test_every_list_shows_the_own_region_only(client, worlds, pair):
    berlin, ruhr = worlds
    mine, other = (berlin, ruhr) if pair[0] == "berlin" else (ruhr, berlin)
    client.force_login(mine.coordinator)
    for model, model_admin in _registry():
        if model_admin.region_scope != SCOPED:
            continue
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        for query in ("", "?_popup=1&_to_field=id", "?q=marker"):
            body = client.get(changelist + query).content.decode()
            own_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[mine.objects[model].pk])
            other_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[other.objects[model].pk])
            if not query:
                assert own_url in body, changelist
            assert other_url not in body, (changelist, query)
            assert other.marker not in body
        # The own row opens: the coordinator really has the permissions the matrix denies elsewhere.
        assert client.get(own_url).status_code == 200, own_url


@pytest.mark.parametrize("pair", [("berlin", "ruhr"), ("ruhr", "berlin")])
def test_actions_with_another_regions_ids_change_nothing(client, worlds, pair):
    berlin, ruhr = worlds
    mine, other = (berlin, ruhr) if pair[0] == "berlin" else (ruhr, berlin)
    client.force_login(mine.coordinator)
    before = _snapshot(other)
    for model, model_admin in _registry():
        if model_admin.region_scope != SCOPED:
            continue
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        actions = client.get(changelist).context["cl"].model_admin.get_actions(client.get(changelist).wsgi_request)
        for name in actions:
            ids = [other.objects[model].pk, mine.objects[model].pk]
            data = {"action": name, "_selected_action": ids, "index": 0, "post": "yes"}
            response = client.post(changelist, data)
            assert response.status_code < 500, name
            if response.get("Content-Type", "").startswith("text/csv"):
                rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
                exported = {row[0] for row in rows[1:]}
                assert exported == {str(mine.objects[model].pk)}, name
    assert _snapshot(other) == before
    # "Übernehmen" did act on the own request (the action reached the database at all).
    assert AccompanimentRequest.objects.get(pk=mine.escort_request.pk).owner == mine.coordinator


@pytest.mark.parametrize("pair", [("berlin", "ruhr"), ("ruhr", "berlin")])
def test_autocomplete_never_answers_with_another_regions_rows(client, worlds, pair):
    berlin, ruhr = worlds
    mine, other = (berlin, ruhr) if pair[0] == "berlin" else (ruhr, berlin)
    client.force_login(mine.coordinator)
    asked = 0
    for model, _model_admin in _registry():
        for field in model._meta.get_fields():
            if not isinstance(field, models.ForeignKey | models.ManyToManyField):
                continue
            target_admin = admin.site._registry.get(field.related_model)
            if target_admin is None:
                continue
            for term in ("", "marker", other.key):
                response = client.get(
                    reverse("admin:autocomplete"),
                    {
                        "app_label": model._meta.app_label,
                        "model_name": model._meta.model_name,
                        "field_name": field.name,
                        "term": term,
                    },
                )
                asked += 1
                assert response.status_code in (200, 403, 404), (model, field.name)
                if response.status_code != 200:
                    continue
                ids = {row["id"] for row in response.json()["results"]}
                other_row = other.objects.get(field.related_model)
                if other_row is not None:
                    assert str(other_row.pk) not in ids, (model, field.name, term)
                assert other.marker not in response.content.decode()
    assert asked > 20


def test_dashboard_counts_the_own_region_only(client, worlds, django_user_model):
    berlin, ruhr = worlds
    national = django_user_model.objects.create_user(
        "national", "n@koordination.example", is_staff=True, is_superuser=True
    )

    def call_count(user) -> str:
        client.force_login(user)
        body = client.get(reverse("admin:index")).content.decode()
        row = body[body.index('data-queue="anrufen"') :]
        return row[row.index('class="queue-count"') :].split(">", 2)[2].split("<", 1)[0]

    assert call_count(berlin.coordinator) == "1"
    assert call_count(ruhr.coordinator) == "1"
    assert call_count(national) == "2"


def test_a_national_coordinator_with_the_same_permissions_sees_both_regions(client, worlds):
    berlin, ruhr = worlds
    national = regional_coordinator("national@koordination.example", "berlin")
    national.coordinated_regions.clear()  # assigned to no region: national
    client.force_login(national)
    for model, model_admin in _registry():
        if model_admin.region_scope != SCOPED:
            continue
        meta = model._meta
        body = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).content.decode()
        for world in (berlin, ruhr):
            assert reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[world.objects[model].pk]) in body


@pytest.mark.parametrize("pair", [("berlin", "ruhr"), ("ruhr", "berlin")])
def test_moving_a_shared_office_cannot_pull_another_regions_requests_into_view(client, worlds, pair):
    # Offices are shared (any coordinator may fix a typo), but the office's postal code decides the region of
    # every request there: moving another region's office into one's own region would open its requests.
    berlin, ruhr = worlds
    mine, other = (berlin, ruhr) if pair[0] == "berlin" else (ruhr, berlin)
    client.force_login(mine.coordinator)
    office = other.office
    data = {
        "name": office.name,
        "kind": office.kind,
        "street": office.street,
        "postal_code": mine.office.postal_code_id,
        "city": office.city,
        "verified": "on" if office.verified else "",
    }
    response = client.post(reverse("admin:directory_office_change", args=[office.pk]), data)
    assert response.status_code == 200  # the form again, with a message
    assert "nur innerhalb Ihrer Regionen" in response.content.decode()
    office.refresh_from_db()
    assert office.postal_code_id == other.office.postal_code_id
    change_url = reverse("admin:matching_accompanimentrequest_change", args=[other.escort_request.pk])
    assert client.get(change_url).status_code == 404
    # Nor out of the own region into another one (the own requests would vanish from the own list).
    own = mine.office
    data = {**data, "name": own.name, "street": own.street, "city": own.city, "postal_code": office.postal_code_id}
    response = client.post(reverse("admin:directory_office_change", args=[own.pk]), data)
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.postal_code_id == mine.office.postal_code_id
    # Other fixes of the shared office still work, and so does a move inside the own region.
    inside = "10115" if mine is berlin else "47057"
    data = {**data, "postal_code": inside, "street": "Neue Straße 1"}
    response = client.post(reverse("admin:directory_office_change", args=[own.pk]), data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.postal_code_id, own.street) == (inside, "Neue Straße 1")


def test_a_request_is_handed_only_to_coordinators_who_can_open_it(client, worlds, django_user_model):
    # The "Zuständig" list offered every staff account: a Berlin request could be given to the Ruhr coordinator,
    # who cannot open it, and the list showed the other regions' coordinators' addresses.
    berlin, ruhr = worlds
    national = django_user_model.objects.create_user("bund@koordination.example", is_staff=True, is_superuser=True)
    colleague = regional_coordinator("kollegin-berlin@koordination.example", "berlin")
    client.force_login(berlin.coordinator)
    url = reverse("admin:matching_accompanimentrequest_change", args=[berlin.escort_request.pk])
    response = client.get(url)
    owners = set(response.context["adminform"].form.fields["owner"].queryset)
    assert owners == {berlin.coordinator, colleague, national}
    assert "ruhr@koordination.example" not in response.content.decode()
    # A national coordinator hands a request to anyone who can open it; the Ruhr one's own request page lists them.
    client.force_login(national)
    owners = set(client.get(url).context["adminform"].form.fields["owner"].queryset)
    assert ruhr.coordinator not in owners and berlin.coordinator in owners


def test_the_regions_page_does_not_name_other_regions_coordinators(client, worlds):
    # A regional coordinator may look at the regions (read-only), but who coordinates elsewhere is the
    # national coordinators' business: the read-only page listed every region's coordinator accounts.
    berlin, ruhr = worlds
    client.force_login(berlin.coordinator)
    for region in (berlin.region, ruhr.region):
        page = client.get(reverse("admin:geo_region_change", args=[region.pk])).content.decode()
        assert region.prefixes in page
        assert "ruhr@koordination.example" not in page


def test_deleting_a_region_does_not_make_its_coordinators_national(client, worlds, django_user_model):
    # Someone assigned to no region is national. Deleting a region (or replacing all with load_regions --replace)
    # silently turned its coordinators into national ones, who then saw every request in Germany.
    berlin, ruhr = worlds
    national = django_user_model.objects.create_user("bund@koordination.example", is_staff=True, is_superuser=True)
    client.force_login(national)
    delete_url = reverse("admin:geo_region_delete", args=[ruhr.region.pk])
    page = client.get(delete_url).content.decode()
    assert "ruhr@koordination.example" in page  # named as what stands in the way
    client.post(delete_url, {"post": "yes"})
    assert Region.objects.filter(pk=ruhr.region.pk).exists()
    with pytest.raises(CommandError):
        call_command("load_regions", "--replace", stdout=io.StringIO())
    assert Region.objects.filter(pk=ruhr.region.pk).exists()
    client.force_login(django_user_model.objects.get(pk=ruhr.coordinator.pk))
    change_url = reverse("admin:matching_accompanimentrequest_change", args=[berlin.escort_request.pk])
    assert client.get(change_url).status_code == 404
    # Once nobody coordinates it, the region goes.
    ruhr.region.coordinators.clear()
    client.force_login(national)
    client.post(delete_url, {"post": "yes"})
    assert not Region.objects.filter(pk=ruhr.region.pk).exists()
