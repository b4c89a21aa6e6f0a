"""Reads of the Mitläuferliste."""

import datetime

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from volunteers.models import Volunteer


def volunteers_matchable(*, on: datetime.date | None = None) -> QuerySet[Volunteer]:
    """Volunteers matching may propose: e-mail verified, active, not paused.

    ``on`` is the day that counts for the pause (default: today).
    """
    day = on or timezone.localdate()
    verified = EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True, primary=True)
    return (
        Volunteer.objects.filter(is_active=True, user__is_active=True)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=day))
        .filter(Exists(verified))
    )


def volunteer_for_user(*, user) -> Volunteer | None:
    if not user.is_authenticated:
        return None
    return Volunteer.objects.select_related("user", "postal_code").filter(user=user).first()
