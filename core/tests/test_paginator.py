import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import paginator
from core.paginator import LargeTablePaginator

pytestmark = pytest.mark.django_db


def test_it_counts_exactly_up_to_the_cap(monkeypatch):
    monkeypatch.setattr(paginator, "EXACT_UP_TO", 100_000)
    assert LargeTablePaginator(Permission.objects.all(), 20).count == Permission.objects.count()


def test_above_the_cap_it_stops_counting_and_takes_the_planners_estimate(monkeypatch):
    monkeypatch.setattr(paginator, "EXACT_UP_TO", 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE auth_permission")
    exact = Permission.objects.count()
    with CaptureQueriesContext(connection) as queries:
        estimate = LargeTablePaginator(Permission.objects.all(), 20).count

    assert exact > 10
    assert 10 < estimate <= 2 * exact
    assert not any(q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "auth_permission"') for q in queries)
    assert any("LIMIT 11" in q["sql"] for q in queries)
