"""Writes of the public Mitläuferliste: a volunteer opts in or out, and a message is relayed to one."""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from core.outbox import outbox_enqueue
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)


def volunteer_listing_set(*, volunteer: Volunteer, listed: bool) -> Volunteer:
    """Show the volunteer on the public list or take them off it (at once: the list is read live)."""
    if volunteer.listed_publicly == listed:
        return volunteer
    volunteer.listed_publicly = listed
    volunteer.listed_since = timezone.now() if listed else None
    volunteer.save(update_fields=["listed_publicly", "listed_since", "updated_at"])
    logger.info("volunteer listing %s id=%s", "on" if listed else "off", volunteer.pk)
    return volunteer


@transaction.atomic
def relay_send(*, volunteer: Volunteer, sender_name: str, sender_email: str, sender_phone: str, message: str) -> None:
    """Forward a message from the public list to the volunteer by e-mail, in the volunteer's language.

    The message exists only in the outgoing mail: ``sensitive`` blanks its body once it is sent and
    hides it in the admin, ``about`` deletes it with the volunteer, and nothing of it is logged. The
    sender learns nothing about the volunteer; the volunteer decides whether to answer.
    """
    outbox_enqueue(
        key=f"public-list-relay:{volunteer.pk}:{uuid.uuid4().hex}",
        template="volunteers/email/relay",
        context={
            "volunteer_name": volunteer.display_name,
            "sender_name": sender_name,
            "sender_email": sender_email,
            "sender_phone": sender_phone,
            "message": message,
        },
        language=volunteer.language,
        to=[volunteer.user.email],
        about=[f"volunteer:{volunteer.pk}"],
        sensitive=True,
    )
    logger.info("public list message relayed to volunteer id=%s", volunteer.pk)
