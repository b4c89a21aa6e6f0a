import datetime

import pytest
from django.utils import timezone

from volunteers.selectors import volunteer_for_user, volunteers_matchable
from volunteers.tests.factories import UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def test_a_verified_active_unpaused_volunteer_is_matchable():
    volunteer = VolunteerFactory()
    assert list(volunteers_matchable()) == [volunteer]


def test_a_volunteer_with_an_unverified_email_is_not_matchable():
    VolunteerFactory(user__verified=False)
    assert list(volunteers_matchable()) == []


def test_a_volunteer_without_any_email_address_record_is_not_matchable():
    volunteer = VolunteerFactory()
    volunteer.user.emailaddress_set.all().delete()
    assert list(volunteers_matchable()) == []


def test_an_inactive_volunteer_is_not_matchable():
    VolunteerFactory(is_active=False)
    assert list(volunteers_matchable()) == []


def test_a_volunteer_whose_account_is_disabled_is_not_matchable():
    VolunteerFactory(user__is_active=False)
    assert list(volunteers_matchable()) == []


def test_a_volunteer_paused_until_today_is_not_matchable():
    VolunteerFactory(paused_until=today())
    assert list(volunteers_matchable()) == []


def test_a_volunteer_paused_until_tomorrow_is_not_matchable():
    VolunteerFactory(paused_until=today() + datetime.timedelta(days=1))
    assert list(volunteers_matchable()) == []


def test_a_volunteer_whose_pause_ended_yesterday_is_matchable():
    volunteer = VolunteerFactory(paused_until=today() - datetime.timedelta(days=1))
    assert list(volunteers_matchable()) == [volunteer]


def test_the_pause_is_judged_on_the_day_asked_for():
    volunteer = VolunteerFactory(paused_until=today() + datetime.timedelta(days=3))
    assert list(volunteers_matchable(on=today() + datetime.timedelta(days=3))) == []
    assert list(volunteers_matchable(on=today() + datetime.timedelta(days=4))) == [volunteer]


def test_only_the_matchable_ones_come_back_from_a_mixed_list():
    matchable = {VolunteerFactory().pk, VolunteerFactory(paused_until=today() - datetime.timedelta(days=1)).pk}
    VolunteerFactory(user__verified=False)
    VolunteerFactory(is_active=False)
    VolunteerFactory(paused_until=today())
    assert set(volunteers_matchable().values_list("pk", flat=True)) == matchable


def test_volunteer_for_user_returns_the_users_own_profile_only():
    volunteer = VolunteerFactory()
    VolunteerFactory()
    assert volunteer_for_user(user=volunteer.user) == volunteer
    assert volunteer_for_user(user=UserFactory()) is None
