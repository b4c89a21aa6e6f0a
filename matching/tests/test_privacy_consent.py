"""Consent is part of "matchable": the search, the selectors, at once on withdrawal, erasure after the grace period."""

import datetime

import pytest
from django.utils import timezone

from matching.engine.proposals import proposals_refresh
from matching.engine.search import candidates_search
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.services import match_ask
from matching.models import Match, MatchStatus, Proposal
from volunteers.models import Consent, Volunteer
from volunteers.selectors import volunteers_matchable
from volunteers.services import consent_give, consent_withdraw, volunteers_purge_withdrawn

MONDAY_10 = next_weekday_at(10, weekday=0)


def found(office, using="default") -> list[int]:
    return [
        c.volunteer_id
        for c in candidates_search(
            office_id=office.pk,
            office_kind=office.kind,
            starts_at=MONDAY_10,
            ends_at=MONDAY_10 + datetime.timedelta(hours=1),
            using=using,
        )
    ]


@pytest.mark.django_db(databases=["default", "sqlite"])
def test_a_withdrawn_consent_excludes_even_when_a_coordinator_ticks_active_again_on_both_vendors():
    for using in ("default", "sqlite"):
        office = make_office(using=using)
        withdrawn = make_volunteer(number=1, consent=False, using=using)
        consenting = make_volunteer(number=2, using=using)
        Volunteer.objects.using(using).filter(pk=withdrawn.pk).update(is_active=True)
        assert found(office, using=using) == [consenting.pk]
        assert list(volunteers_matchable().using(using).values_list("pk", flat=True)) == [consenting.pk]


@pytest.mark.django_db
def test_withdrawing_stops_proposals_and_asks_at_once(django_capture_on_commit_callbacks):
    office = make_office()
    leaving = make_volunteer(number=1)
    staying = make_volunteer(number=2, code="47057", radius_km=20)
    asked_request = make_request(office=office, starts_at=MONDAY_10)
    open_request = make_request(office=office, starts_at=MONDAY_10 + datetime.timedelta(days=7))
    proposals_refresh(request_id=open_request.pk)
    assert list(Proposal.objects.filter(request=open_request).values_list("volunteer_id", flat=True)) == [
        leaving.pk,
        staying.pk,
    ]
    with django_capture_on_commit_callbacks(execute=True):
        match = match_ask(escort_request=asked_request, volunteer=leaving, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(volunteer=leaving)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.CANCELLED
    assert not Proposal.objects.filter(volunteer=leaving).exists()
    # Recomputed: the open request still has its other candidate.
    assert list(Proposal.objects.filter(request=open_request).values_list("volunteer_id", flat=True)) == [staying.pk]


@pytest.mark.django_db
def test_a_withdrawn_volunteer_is_erased_after_the_grace_period_unless_they_consent_again(settings):
    settings.VOLUNTEER_WITHDRAWN_DAYS = 30
    gone = make_volunteer(number=1)
    back = make_volunteer(number=2)
    stays = make_volunteer(number=3)
    for volunteer in (gone, back):
        consent_withdraw(volunteer=volunteer)
    consent_give(volunteer=back, policy_version="2")
    now = timezone.now()
    assert volunteers_purge_withdrawn(now=now + datetime.timedelta(days=29)) == 0
    assert volunteers_purge_withdrawn(now=now + datetime.timedelta(days=31)) == 1
    assert set(Volunteer.objects.values_list("pk", flat=True)) == {back.pk, stays.pk}
    assert Consent.objects.filter(volunteer=back, withdrawn_at__isnull=True).count() == 1
    assert back.pk in set(volunteers_matchable().values_list("pk", flat=True))
