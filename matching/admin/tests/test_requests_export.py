"""The admin's CSV export of requests: the columns, no personal data, neutralised formulas."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.tests.initiative_factories import InitiativeFactory
from matching.engine.tests.helpers import make_volunteer
from matching.models import AccompanimentRequest, Match, MatchStatus, Outcome
from matching.requests.tests.helpers import in_days, make_request, office

pytestmark = pytest.mark.django_db

LIST = "/admin/matching/accompanimentrequest/"


@pytest.fixture
def coordinator_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("koord", "koord@mitlaeufer.example", "pw-koordination")
    client.force_login(user)
    return client


def export(client, requests) -> tuple[list[str], list[list[str]]]:
    response = client.post(
        LIST, {"action": "export_csv", "_selected_action": [str(escort_request.pk) for escort_request in requests]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    return header, rows


def test_the_export_has_the_planning_columns_and_no_personal_data(coordinator_client):
    initiative = InitiativeFactory(name="Initiative A")
    escort_request = make_request(
        first_name="Ayşe",
        email="ayse@beispiel.de",
        phone="0203 123456",
        message="Bitte pünktlich",
        purpose="hearing",
        filed_by_initiative=initiative,
    )
    Match.objects.create(
        request=escort_request,
        volunteer=make_volunteer(number=1),
        status=MatchStatus.DONE,
        outcome=Outcome.TOOK_PLACE,
        starts_at=escort_request.starts_at,
        ends_at=escort_request.ends_at,
        blocked_from=escort_request.starts_at,
        blocked_until=escort_request.ends_at,
    )

    header, rows = export(coordinator_client, [escort_request])

    assert header == [
        "id",
        "status",
        "office",
        "office_kind",
        "postal_code",
        "starts_at",
        "duration_minutes",
        "created_at",
        "outcome",
        "filed_by_initiative",
    ]
    (row,) = rows
    assert row[0] == str(escort_request.pk)
    assert row[1:5] == ["eingegangen", "Jobcenter Duisburg Mitte", "Jobcenter", "47051"]
    assert row[5].startswith(in_days(3).date().isoformat() + "T10:00")
    assert row[6] == "60"
    assert row[8:] == ["hat stattgefunden", "Initiative A"]
    flat = ";".join(header + row)
    for personal in ("Ayşe", "ayse@beispiel.de", "0203 123456", "pünktlich", "Anhörung"):
        assert personal not in flat


def test_a_cell_that_looks_like_a_formula_is_neutralised(coordinator_client):
    evil_office = office(name='=HYPERLINK("http://evil.example";"klick")')
    evil_initiative = InitiativeFactory(name="@SUM(A1:A9)")
    escort_request = make_request(the_office=evil_office, filed_by_initiative=evil_initiative)

    _, (row,) = export(coordinator_client, [escort_request])

    assert row[2] == '\'=HYPERLINK("http://evil.example";"klick")'
    assert row[9] == "'@SUM(A1:A9)"


def test_the_export_needs_the_same_queries_for_one_and_three_requests(coordinator_client):
    def queries(count: int) -> int:
        AccompanimentRequest.objects.all().delete()
        requests = [make_request(email=f"e{count}-{n}@beispiel.de", starts_at=in_days(3 + n)) for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            _, rows = export(coordinator_client, requests)
        assert len(rows) == count
        return len(captured)

    assert queries(1) == queries(3)
