from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bitmask import labels_from_mask
from directory.choices import Language, OfficeKind
from volunteers.choices import DayPart, Gender, Weekday, availability_position

RADIUS_MIN_KM = 1
RADIUS_MAX_KM = 100
RADIUS_DEFAULT_KM = 15


class Volunteer(models.Model):
    """A person on the Mitläuferliste.

    Personal data lives here and on the user account; deleting the user erases
    both (see ``services.volunteer_erase``).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer")
    display_name = models.CharField(
        _("Vorname oder Spitzname"),
        max_length=50,
        help_text=_("So stellen wir Sie den Menschen vor, die Sie begleiten."),
    )
    postal_code = models.ForeignKey(
        "geo.PostalCode", on_delete=models.PROTECT, db_column="postal_code", verbose_name=_("Postleitzahl")
    )
    radius_km = models.PositiveSmallIntegerField(
        _("So weit fahre ich (km)"),
        default=RADIUS_DEFAULT_KM,
        validators=[MinValueValidator(RADIUS_MIN_KM), MaxValueValidator(RADIUS_MAX_KM)],
    )
    availability = models.PositiveIntegerField(_("Wann ich meistens Zeit habe"), default=0)
    languages = models.PositiveIntegerField(_("Sprachen"), default=1 << Language.GERMAN)
    office_kinds = models.PositiveIntegerField(_("Ämter"), default=0)
    phone = models.CharField(_("Telefon"), max_length=30, blank=True)
    gender = models.CharField(_("Geschlecht"), max_length=1, choices=Gender.choices, blank=True)
    knows_social_law = models.BooleanField(_("Ich kenne mich im Sozialrecht aus"), default=False)
    # The page language at sign-up or last edit, so mails to them speak it too.
    language = models.CharField(
        _("Sprache"),
        max_length=10,
        default="de",
        choices=[(code, name) for code, name in settings.LANGUAGES if code in settings.LANGUAGES_EVERYWHERE],
    )
    is_active = models.BooleanField(
        _("aktiv"), default=True, help_text=_("Inaktive Mitläufer*innen werden nicht vorgeschlagen.")
    )
    paused_until = models.DateField(_("Pause bis einschließlich"), null=True, blank=True)
    # Read and confirmed the briefing (what a Beistand does and does not do): nobody is asked before.
    briefed_at = models.DateTimeField(_("Einweisung bestätigt am"), null=True, blank=True)
    # The secret of the private calendar feed (/profil/kalender/<token>.ics); empty = no feed.
    calendar_token = models.CharField(max_length=64, blank=True, editable=False)
    # Opted in to the public Mitläuferliste (first name, postal area, languages; contact only by the relay
    # form). Off by default; only the volunteer sets it on /profil/ (volunteers.public_list).
    # db_default too: the benchmarks write volunteers with raw SQL that names only the columns it knows.
    listed_publicly = models.BooleanField(_("öffentlich auf der Mitläuferliste"), default=False, db_default=False)
    listed_since = models.DateTimeField(_("öffentlich seit"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Mitläufer*in")
        verbose_name_plural = _("Mitläuferliste")
        ordering = ["-created_at"]
        # The admin list's default order (-created_at, -id), read backwards; also its "angelegt" filter.
        indexes = [
            models.Index(fields=["created_at", "id"], name="volunteer_created"),
            # The public list reads the few who opted in, per region, without touching everyone else.
            models.Index(fields=["postal_code"], name="volunteer_listed", condition=models.Q(listed_publicly=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(radius_km__gte=RADIUS_MIN_KM) & models.Q(radius_km__lte=RADIUS_MAX_KM),
                name="volunteer_radius_in_range",
            ),
            models.CheckConstraint(condition=~models.Q(availability=0), name="volunteer_has_availability"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def is_paused_on(self, day) -> bool:
        return self.paused_until is not None and day <= self.paused_until

    @property
    def is_paused(self) -> bool:
        return self.is_paused_on(timezone.localdate())

    def is_available(self, weekday: int, day_part: int) -> bool:
        return bool(self.availability & (1 << availability_position(weekday, day_part)))

    @property
    def availability_rows(self) -> list[tuple[str, list[bool]]]:
        """The weekly grid as rows for templates: (weekday label, [morning, midday, afternoon])."""
        return [(day.label, [self.is_available(day, part) for part in DayPart]) for day in Weekday]

    @property
    def language_labels(self) -> list[str]:
        return labels_from_mask(self.languages, Language)

    @property
    def office_kind_labels(self) -> list[str]:
        return labels_from_mask(self.office_kinds, OfficeKind)


class Absence(models.Model):
    """A stretch of days on which the volunteer cannot go along."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("von"))
    ends_on = models.DateField(_("bis einschließlich"))

    class Meta:
        verbose_name = _("Abwesenheit")
        verbose_name_plural = _("Abwesenheiten")
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["volunteer", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class Consent(models.Model):
    """Proof that the volunteer agreed to data processing, and to which text."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="consents")
    policy_version = models.CharField(_("Version der Datenschutzerklärung"), max_length=40)
    given_at = models.DateTimeField(_("erteilt am"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-given_at"]
        # The candidate search probes for a current consent per volunteer: index-only with this.
        indexes = [
            models.Index(fields=["volunteer"], name="consent_current", condition=models.Q(withdrawn_at__isnull=True))
        ]

    def __str__(self) -> str:
        return str(self.policy_version)
