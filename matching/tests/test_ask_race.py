"""Two coordinators ask one volunteer for overlapping requests at the same moment, through the admin."""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.models import Match

ROUNDS = 20


def _post_together(clients: list[Client], urls: list[str]) -> list:
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = clients[i].post(urls[i])
        except Exception as error:  # noqa: BLE001  (a 500 surfaces as an exception in the test client)
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_asks_for_one_volunteer_answer_with_a_message_never_an_error(django_user_model):
    assert connection.vendor == "postgresql"
    office = make_office()
    volunteer = make_volunteer(number=1)
    clients = []
    for name in ("anna", "bernd"):
        user = django_user_model.objects.create_user(username=name, email=f"{name}@beispiel.de", is_superuser=True)
        user.is_staff = True
        user.save()
        client = Client(raise_request_exception=True)
        client.force_login(user)
        clients.append(client)

    outcomes = []
    for round_number in range(ROUNDS):
        starts_at = next_weekday_at(10, days_ahead=7 + 2 * round_number)
        pair = [
            make_request(office=office, starts_at=starts_at + datetime.timedelta(minutes=30 * i), email=f"p{i}@b.de")
            for i in range(2)
        ]
        urls = [reverse("admin:matching_request_ask", args=[r.pk, volunteer.pk]) for r in pair]
        responses = _post_together(clients, urls)
        assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
        levels = sorted(next(iter(get_messages(r.wsgi_request))).level_tag for r in responses)
        outcomes.append(levels)
        assert Match.objects.filter(request__in=pair).count() == 1

    assert outcomes == [["error", "success"]] * ROUNDS
    assert Match.objects.filter(volunteer=volunteer).count() == ROUNDS
