"""Accompaniment requests (what a person asks for) and referrals to partner initiatives."""

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bitmask import labels_from_mask
from directory.choices import InitiativeService, Language

DURATION_MIN_MINUTES = 30
DURATION_MAX_MINUTES = 240
DURATION_DEFAULT_MINUTES = 60
MESSAGE_MAX_LENGTH = 500


def new_request_token() -> str:
    """256 random bits, URL-safe: the only key to a request's status page."""
    return secrets.token_urlsafe(32)


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("eingegangen")
    SEARCHING = "searching", _("wir suchen eine Begleitung")
    CONFIRMED = "confirmed", _("Begleitung gefunden")
    CANCELLED = "cancelled", _("abgesagt")
    DONE = "done", _("hat stattgefunden")


# A person can still cancel or move the appointment in these states.
OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.SEARCHING, RequestStatus.CONFIRMED)


class Purpose(models.TextChoices):
    REGISTRATION = "registration", _("Meldetermin")
    APPLICATION = "application", _("Antrag / Weiterbewilligung")
    HEARING = "hearing", _("Anhörung / Widerspruch")
    COUNSELLING = "counselling", _("Beratungsgespräch")
    OTHER = "other", _("Sonstiges")


class PreferredGender(models.TextChoices):
    FEMALE = "f", _("Frau")
    MALE = "m", _("Mann")


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-Mail")
    PHONE = "phone", _("Telefon")


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Formular")
    PHONE = "phone", _("Telefon")
    INITIATIVE = "initiative", _("Initiative")


class AccompanimentRequest(models.Model):
    """A person asks for someone to go with them to an office appointment.

    No account: the person reaches the request through its secret ``token``.
    Personal fields are erased ``REQUEST_RETENTION_DAYS`` after the appointment
    or a cancellation (``services.requests_purge``); office, time and status
    stay for statistics.
    """

    token = models.CharField(_("geheimer Schlüssel"), max_length=64, unique=True, default=new_request_token)
    status = models.CharField(_("Stand"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)

    # The appointment.
    office = models.ForeignKey(
        "directory.Office", on_delete=models.PROTECT, related_name="requests", verbose_name=_("Amt")
    )
    starts_at = models.DateTimeField(_("Termin"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("Dauer (Minuten)"),
        default=DURATION_DEFAULT_MINUTES,
        validators=[MinValueValidator(DURATION_MIN_MINUTES), MaxValueValidator(DURATION_MAX_MINUTES)],
    )
    purpose = models.CharField(_("Worum geht es?"), max_length=20, choices=Purpose.choices, blank=True)

    # Personal data: erased by the purge.
    first_name = models.CharField(_("Vorname oder Fantasiename"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=30, blank=True)
    preferred_contact = models.CharField(
        _("Am liebsten erreichbar per"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    languages = models.PositiveIntegerField(_("Sprachen"), default=1 << Language.GERMAN)
    needs_language = models.BooleanField(_("Begleitung muss eine dieser Sprachen sprechen"), default=False)
    preferred_gender = models.CharField(
        _("Gewünschte Begleitung"), max_length=1, choices=PreferredGender.choices, blank=True
    )
    accessibility = models.CharField(_("Barrierefreiheit"), max_length=200, blank=True)
    message = models.TextField(
        _("Nachricht"), max_length=MESSAGE_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)]
    )
    # The page language the person used, so later mails speak it too.
    language = models.CharField(_("Sprache der Seite"), max_length=10, blank=True, default="de")

    # Which kinds of advice the person asked for (bits of directory.choices.InitiativeService). Personal data.
    counselling_services = models.PositiveIntegerField(_("Gewünschte Beratung"), default=0)

    # Filed by an initiative's staff on behalf of a client (the area at /partner/).
    filed_by_initiative = models.ForeignKey(
        "directory.Initiative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_requests",
        verbose_name=_("eingereicht von der Initiative"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eingereicht von"),
    )
    client_consent_recorded_at = models.DateTimeField(
        _("Einwilligung der Person festgehalten am"), null=True, blank=True
    )
    # The e-mail and phone above are the initiative's, not the person's.
    contact_via_initiative = models.BooleanField(_("Kontakt über die Initiative"), default=False)

    consent_given_at = models.DateTimeField(_("Einwilligung erteilt am"))
    privacy_policy_version = models.CharField(_("Version der Datenschutzerklärung"), max_length=40)
    # How the request came in; a phone request's consent was given verbally to this coordinator.
    intake_channel = models.CharField(
        _("Eingang"), max_length=20, choices=IntakeChannel.choices, default=IntakeChannel.WEB
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mündliche Einwilligung aufgenommen von"),
    )

    # The coordinators' workspace. Notes are internal (never shown to the person or the volunteer) and
    # personal data: the purge erases them.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zuständig"),
    )
    internal_notes = models.TextField(
        _("Interne Notizen"),
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Nur für Koordinator*innen; nie für die Person oder die Begleitung sichtbar."),
    )
    # Something changed for a person reachable only by phone: they must be called (call queue).
    call_needed_since = models.DateTimeField(_("Anruf nötig seit"), null=True, blank=True)
    call_reason = models.CharField(_("Anruf nötig, weil"), max_length=200, blank=True)

    created_at = models.DateTimeField(_("eingegangen am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    # iCalendar SEQUENCE of the person's event (UID request-<id>): raised by each reschedule and the cancellation.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    proposals_run_at = models.DateTimeField(_("Vorschläge berechnet am"), null=True, blank=True, editable=False)
    personal_data_erased_at = models.DateTimeField(_("persönliche Daten gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Anfrage")
        verbose_name_plural = _("Anfragen")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="request_status_starts_at"),
            models.Index(fields=["office", "starts_at"], name="request_office_starts_at"),
            # The admin list's order and its appointment filter.
            models.Index(fields=["starts_at"], name="request_starts_at"),
            # The sweeper looks for requests whose proposal run never happened.
            models.Index(
                fields=["created_at"],
                name="request_proposals_pending",
                condition=models.Q(proposals_run_at__isnull=True),
            ),
            # The purge looks only at requests that still hold personal data.
            models.Index(
                fields=["starts_at"],
                name="request_personal_data_kept",
                condition=models.Q(personal_data_erased_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=DURATION_MIN_MINUTES)
                & models.Q(duration_minutes__lte=DURATION_MAX_MINUTES),
                name="request_duration_in_range",
            ),
            # One way to reach the person, until their data is erased.
            models.CheckConstraint(
                condition=~models.Q(email="", phone="") | models.Q(personal_data_erased_at__isnull=False),
                name="request_has_contact",
            ),
        ]

    def __str__(self) -> str:
        # No personal data: this string shows up in the admin's history and in logs.
        return str(_("Anfrage %(id)s") % {"id": self.pk})

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_erased(self) -> bool:
        return self.personal_data_erased_at is not None

    @property
    def is_phone_only(self) -> bool:
        """Reachable only by phone: no e-mail, or asked to be called (and not through an initiative)."""
        if self.contact_via_initiative or not self.phone:
            return False
        return not self.email or self.preferred_contact == ContactChannel.PHONE

    @property
    def language_labels(self) -> list[str]:
        return labels_from_mask(self.languages, Language)

    @property
    def counselling_labels(self) -> list[str]:
        return labels_from_mask(self.counselling_services, InitiativeService)


class ReferralOutcome(models.TextChoices):
    OPEN = "open", _("offen")
    CONTACTED = "contacted", _("Kontakt aufgenommen")
    COUNSELLED = "counselled", _("Beratung erhalten")
    FAILED = "failed", _("nicht zustande gekommen")


class Referral(models.Model):
    """A coordinator sent the person of a request to a partner initiative.

    The note is personal data and is blanked by the purge; initiative and
    outcome stay for statistics.
    """

    request = models.ForeignKey(
        AccompanimentRequest, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("Anfrage")
    )
    initiative = models.ForeignKey(
        "directory.Initiative", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("Initiative")
    )
    note = models.TextField(
        _("Notiz"), max_length=MESSAGE_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)]
    )
    outcome = models.CharField(
        _("Ergebnis"), max_length=20, choices=ReferralOutcome.choices, default=ReferralOutcome.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("vermittelt von"),
    )
    created_at = models.DateTimeField(_("vermittelt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Vermittlung")
        verbose_name_plural = _("Vermittlungen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        # No personal data (shows up in the admin's history).
        return str(_("Vermittlung %(id)s") % {"id": self.pk})


# Requests in these states still look for a companion.
SEARCHABLE_STATUSES = (RequestStatus.RECEIVED, RequestStatus.SEARCHING)


class CallLog(models.Model):
    """A coordinator's call to the person of a request: when, reached or not, what was agreed.

    The note is personal data and is erased by the purge.
    """

    request = models.ForeignKey(
        AccompanimentRequest, on_delete=models.CASCADE, related_name="calls", verbose_name=_("Anfrage")
    )
    called_at = models.DateTimeField(_("angerufen am"), auto_now_add=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("von"),
    )
    reached = models.BooleanField(_("erreicht"), default=False)
    note = models.TextField(
        _("Was wurde besprochen?"),
        max_length=MESSAGE_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
    )

    class Meta:
        verbose_name = _("Anruf")
        verbose_name_plural = _("Anrufe")
        ordering = ["called_at", "id"]

    def __str__(self) -> str:
        return str(_("Anruf %(id)s") % {"id": self.pk})
