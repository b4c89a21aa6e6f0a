"""The call queue: people reachable only by phone are called when something changes for them.

A mail tells everyone else; for a person without e-mail (or who asked to be
called) a coordinator must pick up the phone. Their request stays in the
"Anrufen" queue until a coordinator records a call that reached them, or marks
the call done.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from matching.models import AccompanimentRequest, CallLog


def call_needed_mark(*, request_id: int, reason: str) -> bool:
    """Put a phone-only person's request in the call queue (reason in the coordinators' words). True if it is."""
    escort_request = AccompanimentRequest.objects.filter(pk=request_id).first()
    if escort_request is None or escort_request.is_erased or not escort_request.is_phone_only:
        return False
    AccompanimentRequest.objects.filter(pk=request_id).update(
        call_needed_since=escort_request.call_needed_since or timezone.now(), call_reason=reason[:200]
    )
    return True


def call_record(*, escort_request: AccompanimentRequest, called_by, reached: bool, note: str = "") -> CallLog:
    """A coordinator called the person; a call that reached them takes the request off the call queue."""
    call = CallLog(request=escort_request, called_by=called_by, reached=reached, note=note.strip())
    call.full_clean()
    call.save()
    if reached:
        call_done(escort_request=escort_request)
    return call


def call_done(*, escort_request: AccompanimentRequest) -> None:
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(call_needed_since=None, call_reason="")


class CallReason:
    """The reasons, rendered in the coordinators' language (the site default) when stored."""

    @staticmethod
    def text(key: str) -> str:
        with override(settings.LANGUAGE_CODE):
            return {
                "found": _("Begleitung gefunden: Namen und Treffpunkt durchgeben"),
                "lost": _("Begleitung abgesprungen: wir suchen neu"),
                "cancelled": _("Anfrage abgesagt"),
                "rescheduled": _("Termin verlegt"),
            }[key]
