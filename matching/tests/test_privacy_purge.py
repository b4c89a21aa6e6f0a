"""The purge erases everything personal a request left anywhere: a marker in every field, then in no table."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from core import privacy
from directory.tests.initiative_factories import InitiativeFactory
from matching.engine.search import match_block
from matching.models import AccompanimentRequest, Match, MatchEvent, MatchStatus, Proposal, Referral
from matching.requests.purge import requests_purge
from matching.requests.services import request_create
from matching.requests.tests.helpers import in_days, make_request
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

MARKER = "Mrk7Qz"
TEXT_TYPES = ("text", "character varying", "json", "jsonb")


def marker_hits() -> tuple[list[str], int]:
    """Every (table.column) of the whole database whose text holds the marker, and how many tables were searched."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        hits = []
        for table, column in columns:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}" WHERE "{column}"::text LIKE %s', [f"%{MARKER}%"])  # noqa: S608
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits, len({table for table, _ in columns})


def _marked(model_field: models.Field):
    if isinstance(model_field, models.JSONField):
        return [f"spricht {MARKER}"]
    if isinstance(model_field, models.EmailField):
        return f"{MARKER.lower()}@beispiel.de"
    return MARKER


def fill_request_owned_fields(request_ids: list[int]) -> list[str]:
    """Write the marker into every personal text field of every table the register files under the request."""
    filled = []
    for entry in privacy.entries():
        path = entry.owners.get("request")
        if path is None:
            continue
        meta = entry.model_class._meta
        values = {}
        for name in entry.personal_fields():
            model_field = meta.get_field(name)
            fits = model_field.max_length is None or model_field.max_length >= len(MARKER) + 15
            if isinstance(model_field, models.CharField | models.TextField | models.JSONField) and fits:
                values[name] = _marked(model_field)
                filled.append(f"{entry.model}.{name}")
        entry.model_class._base_manager.filter(**{f"{path}__in": request_ids}).update(**values)
    return filled


@pytest.fixture
def marked_request(django_capture_on_commit_callbacks):
    """A past request that went through everything: a typed office, proposals, a declined and a done match,
    a referral, and admin history about all of it."""
    initiative = InitiativeFactory()
    escort_request, _ = request_create(
        new_office={"name": f"Amt {MARKER}", "street": f"{MARKER}straße 1", "postal_code": "47051"},
        first_name="Ayşe",
        email="ayse@beispiel.de",
        starts_at=in_days(3),
    )
    volunteer = VolunteerFactory()
    block_from, block_until = match_block(escort_request.starts_at, escort_request.ends_at)
    common = {"request": escort_request, "starts_at": escort_request.starts_at, "ends_at": escort_request.ends_at}
    for status in (MatchStatus.DECLINED, MatchStatus.DONE):
        match = Match.objects.create(
            **common, volunteer=volunteer, status=status, blocked_from=block_from, blocked_until=block_until
        )
        MatchEvent.objects.create(match=match, kind="declined", actor_role="volunteer")
    Proposal.objects.create(request=escort_request, volunteer=volunteer, rank=1, distance_km=1.0)
    Referral.objects.create(request=escort_request, initiative=initiative)
    coordinator = get_user_model().objects.create_user(username="k", email="k@beispiel.de", is_staff=True)
    for obj in (escort_request, escort_request.office, *escort_request.referrals.all(), *escort_request.matches.all()):
        LogEntry.objects.create(
            user=coordinator,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=f"{MARKER} {obj.pk}",
            action_flag=CHANGE,
            change_message=f'[{{"changed": {{"fields": ["{MARKER}"]}}}}]',
        )
    filled = fill_request_owned_fields([escort_request.pk])
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(email=f"{MARKER.lower()}@beispiel.de")
    return escort_request, filled


def past(escort_request) -> datetime.datetime:
    return escort_request.ends_at + datetime.timedelta(days=15)


def test_after_the_purge_the_marker_is_in_no_table_of_the_database(marked_request):
    escort_request, filled = marked_request
    hits_before, tables = marker_hits()
    assert len(filled) >= 6
    assert {"matching_accompanimentrequest.message", "matching_proposal.reasons", "directory_office.name"} <= set(
        hits_before
    )
    assert {"matching_matchevent.note", "matching_referral.note", "django_admin_log.object_repr"} <= set(hits_before)

    assert requests_purge(now=past(escort_request)) == 1

    hits_after, _ = marker_hits()
    assert hits_after == []
    assert tables >= 25
    print(f"marker test: {len(filled)} fields filled, {tables} tables searched")


def test_numbers_and_flags_are_erased_too_and_the_statistics_stay(marked_request):
    escort_request, _ = marked_request
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(
        languages=5, needs_language=True, preferred_gender="f", counselling_services=3
    )
    requests_purge(now=past(escort_request))
    erased = AccompanimentRequest.objects.get(pk=escort_request.pk)
    entry = privacy.entry_for(AccompanimentRequest)
    assert {name: getattr(erased, name) for name in entry.personal_fields()} == privacy.blank_values(entry)
    assert (erased.office_id, erased.starts_at, erased.status) == (
        escort_request.office_id,
        escort_request.starts_at,
        escort_request.status,
    )
    assert sorted(erased.matches.values_list("status", flat=True)) == ["declined", "done"]
    assert not Proposal.objects.filter(request=escort_request).exists()


def test_the_purge_is_idempotent(marked_request):
    escort_request, _ = marked_request
    assert requests_purge(now=past(escort_request)) == 1
    first = AccompanimentRequest.objects.get(pk=escort_request.pk).personal_data_erased_at
    assert requests_purge(now=past(escort_request) + datetime.timedelta(days=1)) == 0
    assert AccompanimentRequest.objects.get(pk=escort_request.pk).personal_data_erased_at == first


def test_a_typed_office_another_live_request_uses_keeps_its_name_until_that_one_is_erased(marked_request):
    escort_request, _ = marked_request
    later = make_request(the_office=escort_request.office, starts_at=in_days(40), first_name="Zweite")
    requests_purge(now=past(escort_request))
    escort_request.office.refresh_from_db()
    assert MARKER in escort_request.office.name
    requests_purge(now=later.ends_at + datetime.timedelta(days=15))
    escort_request.office.refresh_from_db()
    assert escort_request.office.name == f"Amt #{escort_request.office_id} (Angabe gelöscht)"
    assert escort_request.office.street == ""


def test_a_verified_office_is_never_renamed(marked_request):
    escort_request, _ = marked_request
    escort_request.office.__class__.objects.filter(pk=escort_request.office_id).update(verified=True)
    requests_purge(now=past(escort_request))
    escort_request.office.refresh_from_db()
    assert escort_request.office.name == f"Amt {MARKER}"


def test_an_erased_request_is_read_only_in_the_admin(marked_request, client):
    escort_request, _ = marked_request
    requests_purge(now=past(escort_request))
    coordinator = get_user_model().objects.get(username="k")
    coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)
    url = f"/admin/matching/accompanimentrequest/{escort_request.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="first_name"' not in page
    assert 'name="message"' not in page
    response = client.post(url, {"first_name": "wieder da", "message": "wieder da"})
    assert response.status_code == 403
    referral = escort_request.referrals.get()
    assert client.post(f"/admin/matching/referral/{referral.pk}/change/", {"note": "x"}).status_code == 403
    assert AccompanimentRequest.objects.get(pk=escort_request.pk).first_name == ""


def test_a_request_not_yet_due_keeps_its_data():
    kept = make_request(first_name="Bleibt", starts_at=in_days(20))
    assert requests_purge(now=timezone.now() + datetime.timedelta(days=10)) == 0
    kept.refresh_from_db()
    assert kept.first_name == "Bleibt"
