"""Reads of the Mitläuferliste."""

import datetime
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from volunteers.models import Consent, Volunteer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def volunteers_matchable(*, on: datetime.date | None = None) -> QuerySet[Volunteer]:
    """Volunteers matching may propose: e-mail verified, consent not withdrawn, briefing confirmed, active,
    not paused.

    Consent counts on its own: a coordinator ticking "aktiv" cannot bring back
    someone who withdrew it.

    ``on`` is the day that counts for the pause (default: today).
    """
    day = on or timezone.localdate()
    verified = EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True, primary=True)
    consented = Consent.objects.filter(volunteer_id=OuterRef("pk"), withdrawn_at__isnull=True)
    return (
        Volunteer.objects.filter(is_active=True, user__is_active=True, briefed_at__isnull=False)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=day))
        .filter(Exists(verified), Exists(consented))
    )


def volunteer_for_user(*, user: "AbstractBaseUser | AnonymousUser") -> Volunteer | None:
    if not user.is_authenticated:
        return None
    return Volunteer.objects.select_related("user", "postal_code").filter(user=user).first()


def volunteer_has_consent(*, volunteer: Volunteer) -> bool:
    return volunteer.consents.filter(withdrawn_at__isnull=True).exists()


def volunteer_erasure_due_on(*, volunteer: Volunteer) -> datetime.date | None:
    """The day ``volunteers_purge_withdrawn`` erases a volunteer who withdrew, or None while they consent."""
    if volunteer_has_consent(volunteer=volunteer):
        return None
    last = volunteer.consents.aggregate(last=Max("withdrawn_at"))["last"]
    if last is None:
        return None
    return timezone.localdate(last + datetime.timedelta(days=settings.VOLUNTEER_WITHDRAWN_DAYS))


def volunteer_by_calendar_token(*, token: str) -> Volunteer | None:
    """The volunteer behind a calendar feed link, or None; a revoked (empty) token matches nobody."""
    from django.utils.crypto import constant_time_compare

    if not isinstance(token, str) or len(token) != 43:
        return None
    volunteer = Volunteer.objects.filter(calendar_token=token).first()
    if volunteer is None or not constant_time_compare(volunteer.calendar_token, token):
        return None
    return volunteer
