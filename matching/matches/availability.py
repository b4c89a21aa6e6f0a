"""Whether a volunteer can be asked for a request right now, read again at the moment of asking."""

from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.engine.search import active_match_exists
from matching.models import AccompanimentRequest
from volunteers.models import Volunteer

BUSY = gettext_lazy("Diese Person ist zu der Zeit schon angefragt oder unterwegs.")


def volunteer_unmatchable_reason(*, volunteer: Volunteer, escort_request: AccompanimentRequest) -> str | None:
    """Why this volunteer cannot be asked for this request now, in words for the coordinator; None if they can.

    The same rules as the candidate search, read again at the moment of asking:
    proposals are a snapshot, and the volunteer may have paused since.
    """
    day = timezone.localtime(escort_request.starts_at, ZoneInfo(settings.TIME_ZONE)).date()
    name = volunteer.display_name
    if not volunteer.is_active or not volunteer.user.is_active:
        return _("%(name)s ist nicht aktiv.") % {"name": name}
    if not volunteer.consents.filter(withdrawn_at__isnull=True).exists():
        return _("%(name)s hat die Einwilligung widerrufen.") % {"name": name}
    if volunteer.briefed_at is None:
        # The search passes them over; a coordinator picking someone by hand must not skip the briefing either.
        return _("%(name)s hat die Einweisung noch nicht bestätigt. Wir fragen sie erst danach.") % {"name": name}
    if not EmailAddress.objects.filter(user_id=volunteer.user_id, verified=True, primary=True).exists():
        return _("%(name)s hat die E-Mail-Adresse noch nicht bestätigt.") % {"name": name}
    if volunteer.is_paused_on(day):
        return _("%(name)s macht bis %(until)s Pause.") % {"name": name, "until": f"{volunteer.paused_until:%d.%m.%Y}"}
    if volunteer.absences.filter(starts_on__lte=day, ends_on__gte=day).exists():
        return _("%(name)s ist an diesem Tag abwesend.") % {"name": name}
    if active_match_exists(
        volunteer_id=volunteer.pk, starts_at=escort_request.starts_at, ends_at=escort_request.ends_at
    ):
        return str(BUSY)
    return None
