"""Matches (a volunteer asked for one request) and their history."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_match_token() -> str:
    """256 random bits: the only key to the volunteer's accept/decline page."""
    return secrets.token_urlsafe(32)


class MatchStatus(models.TextChoices):
    ASKED = "asked", _("angefragt")
    ACCEPTED = "accepted", _("zugesagt")
    DECLINED = "declined", _("abgesagt (Begleitung)")
    CANCELLED = "cancelled", _("storniert")
    # The volunteer gave back an escort they had accepted; the request searches again. Its own
    # status, so coordinators' queues can list these (the reason is in decline_reason).
    BACKED_OUT = "backed_out", _("von der Begleitung zurückgegeben")
    DONE = "done", _("abgeschlossen")
    # Nobody answered within MATCH_ASK_EXPIRE_HOURS (or before the appointment came close).
    EXPIRED = "expired", _("abgelaufen (keine Antwort)")


# A volunteer holds at most one of these at any time (plus the buffer around it).
ACTIVE_MATCH_STATUSES = (MatchStatus.ASKED, MatchStatus.ACCEPTED)


class Outcome(models.TextChoices):
    TOOK_PLACE = "took_place", _("hat stattgefunden")
    CANCELLED = "cancelled", _("ist ausgefallen")
    NO_SHOW = "no_show", _("die Person ist nicht gekommen")
    NOT_ADMITTED = "not_admitted", _("ich wurde nicht zugelassen")


class Match(models.Model):
    """A volunteer asked to accompany one request, and what became of it.

    ``blocked_from``/``blocked_until`` are the appointment widened by half the
    buffer on each side: two blocks overlap exactly when the appointments are
    less than the full buffer apart. On PostgreSQL an exclusion constraint (on
    SQLite a trigger) refuses overlapping active matches of one volunteer, so
    no race can double-book anyone.
    """

    request = models.ForeignKey("matching.AccompanimentRequest", on_delete=models.CASCADE, related_name="matches")
    # SET_NULL: when a volunteer erases their account, finished matches stay for the
    # statistics without them (active ones are withdrawn first, see match_services).
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.SET_NULL, null=True, blank=True, related_name="matches"
    )
    status = models.CharField(_("Stand"), max_length=20, choices=MatchStatus.choices, default=MatchStatus.ASKED)
    token = models.CharField(max_length=64, unique=True, default=new_match_token, editable=False)
    starts_at = models.DateTimeField(_("Termin"))
    ends_at = models.DateTimeField(_("Ende"))
    blocked_from = models.DateTimeField(editable=False)
    blocked_until = models.DateTimeField(editable=False)
    decline_reason = models.CharField(_("Grund der Absage"), max_length=300, blank=True)
    outcome = models.CharField(_("Ergebnis"), max_length=20, choices=Outcome.choices, blank=True)
    # "Nicht zugelassen": which office turned the companion away and what was said, for the talk
    # with the office's management. The words may name people, so the purge blanks them.
    refused_by_office = models.ForeignKey(
        "directory.Office",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refusals",
        verbose_name=_("abgewiesen von"),
    )
    refusal_said = models.TextField(_("Was wurde gesagt?"), max_length=1000, blank=True)
    refusal_followed_up_at = models.DateTimeField(_("nachbereitet am"), null=True, blank=True)
    # iCalendar SEQUENCE of the volunteer's event (UID match-<id>): raised when it is cancelled.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    # Claimed with a conditional UPDATE before a mail goes out, so a task
    # delivered twice sends it once (see match_services._claim).
    invitation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The one reminder to answer an ask (MATCH_ASK_REMIND_HOURS), claimed like the mails above.
    ask_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angefragt am"), auto_now_add=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Begleitung")
        verbose_name_plural = _("Begleitungen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["volunteer", "blocked_from"], name="match_volunteer_blocked"),
            models.Index(fields=["status", "starts_at"], name="match_status_starts_at"),
            # The admin list's default order (-created_at, -id) and its appointment filter.
            models.Index(fields=["created_at", "id"], name="match_created"),
            models.Index(fields=["starts_at"], name="match_starts_at"),
        ]
        constraints = [
            # A request has at most one companion at a time.
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(status="accepted"), name="match_one_accepted_per_request"
            ),
            models.UniqueConstraint(
                fields=["request", "volunteer"],
                condition=models.Q(status__in=["asked", "accepted"]),
                name="match_one_active_per_request_and_volunteer",
            ),
            # The exclusion constraint against double booking lives in migration 0002 (vendor-specific).
        ]

    def __str__(self) -> str:
        return str(_("Begleitung %(id)s") % {"id": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_MATCH_STATUSES

    @property
    def is_current_escort(self) -> bool:
        """The volunteer goes (or went) along: what their calendar shows as a live event."""
        return self.status in (MatchStatus.ACCEPTED, MatchStatus.DONE)


class MatchEvent(models.Model):
    """Every change to a match: who did what, and when."""

    class Kind(models.TextChoices):
        ASKED = "asked", _("angefragt")
        ACCEPTED = "accepted", _("zugesagt")
        DECLINED = "declined", _("abgesagt")
        CANCELLED = "cancelled", _("storniert")
        BACKED_OUT = "backed_out", _("von der Begleitung zurückgegeben")
        REASSIGNED = "reassigned", _("neu vergeben")
        OUTCOME = "outcome", _("Rückmeldung")
        EXPIRED = "expired", _("abgelaufen")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("Ereignis"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("von"),
    )
    actor_role = models.CharField(_("Rolle"), max_length=20)  # coordinator, volunteer, system
    note = models.CharField(_("Notiz"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Änderung")
        verbose_name_plural = _("Änderungen")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.actor_role})"


# Matches that count as "an accompaniment" for the fairness ranking.
COUNTED_MATCH_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.DONE)
