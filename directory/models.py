from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bitmask import labels_from_mask
from directory.choices import InitiativeReach, InitiativeService, InitiativeState, Language, OfficeKind


class Office(models.Model):
    """An office people go to (Jobcenter, Sozialamt, …).

    Its coordinates are those of its postal code: the same centroids volunteers
    are located by, so every distance in matching is centroid to centroid.
    """

    name = models.CharField(_("Name"), max_length=200)
    kind = models.PositiveSmallIntegerField(_("Art"), choices=OfficeKind.choices)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.ForeignKey(
        "geo.PostalCode", on_delete=models.PROTECT, db_column="postal_code", verbose_name=_("Postleitzahl")
    )
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    latitude = models.FloatField(_("Breitengrad"), editable=False)
    longitude = models.FloatField(_("Längengrad"), editable=False)
    verified = models.BooleanField(
        _("geprüft"), default=False, help_text=_("Von der Koordination geprüft. Ungeprüfte Ämter kommen aus Anfragen.")
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Amt")
        verbose_name_plural = _("Ämter")
        ordering = ["postal_code", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "postal_code"], name="office_unique_name_postal_code")]

    def __str__(self) -> str:
        return f"{self.name}, {self.postal_code_id} {self.city}".strip()

    def save(self, *args, **kwargs):
        # Coordinates always follow the postal code, so they can never drift apart.
        self.latitude = self.postal_code.latitude
        self.longitude = self.postal_code.longitude
        if kwargs.get("update_fields") is not None and "postal_code" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "latitude", "longitude"}
        super().save(*args, **kwargs)


INITIATIVE_RADIUS_MIN_KM = 1
INITIATIVE_RADIUS_MAX_KM = 500


class Initiative(models.Model):
    """A partner initiative people can be referred to (advice, counselling, self-help, …).

    Entries are proposed by the initiatives themselves (state ``submitted``),
    published by a coordinator, and kept current by the initiative's contact
    through a signed link. Like offices, an initiative with an address is
    located at its postal code's centroid.
    """

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=80, unique=True)
    description = models.TextField(_("Beschreibung"), max_length=3000)
    services = models.PositiveIntegerField(_("Angebote"), default=0)
    languages = models.PositiveIntegerField(_("Sprachen"), default=1 << Language.GERMAN)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.ForeignKey(
        "geo.PostalCode",
        on_delete=models.PROTECT,
        db_column="postal_code",
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Postleitzahl"),
    )
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    latitude = models.FloatField(_("Breitengrad"), null=True, editable=False)
    longitude = models.FloatField(_("Längengrad"), null=True, editable=False)
    reach = models.CharField(
        _("Reichweite"), max_length=12, choices=InitiativeReach.choices, default=InitiativeReach.LOCAL
    )
    radius_km = models.PositiveSmallIntegerField(
        _("Umkreis (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(INITIATIVE_RADIUS_MIN_KM), MaxValueValidator(INITIATIVE_RADIUS_MAX_KM)],
        help_text=_("Nur für Angebote vor Ort: aus welchem Umkreis Menschen zu Ihnen kommen können."),
    )
    website = models.URLField(_("Internetseite"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    opening_hours = models.TextField(_("Öffnungszeiten"), max_length=1000, blank=True)
    accessibility = models.TextField(_("Barrierefreiheit"), max_length=1000, blank=True)
    # Not shown publicly: where the edit link and the yearly question go.
    contact_email = models.EmailField(
        _("E-Mail für Rückfragen"),
        help_text=_("Nicht öffentlich. Dorthin schicken wir den Link zum Ändern des Eintrags."),
    )
    # The page language of the submission: our mails to the contact speak it.
    contact_language = models.CharField(
        _("Sprache für E-Mails"),
        max_length=10,
        default="de",
        choices=[(code, name) for code, name in settings.LANGUAGES if code in settings.LANGUAGES_EVERYWHERE],
    )
    state = models.CharField(
        _("Status"), max_length=12, choices=InitiativeState.choices, default=InitiativeState.SUBMITTED
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True, editable=False)
    last_confirmed_at = models.DateTimeField(_("zuletzt bestätigt"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("zuletzt nachgefragt"), null=True, blank=True, editable=False)
    # Part of every signed edit link; raising it makes all earlier links invalid.
    link_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Initiative")
        verbose_name_plural = _("Initiativen")
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "reach", "latitude"], name="initiative_state_reach_lat")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reach=InitiativeReach.LOCAL)
                | (models.Q(postal_code__isnull=False) & models.Q(radius_km__isnull=False)),
                name="initiative_local_has_place_and_radius",
            ),
            models.CheckConstraint(
                condition=models.Q(radius_km__isnull=True)
                | (
                    models.Q(radius_km__gte=INITIATIVE_RADIUS_MIN_KM)
                    & models.Q(radius_km__lte=INITIATIVE_RADIUS_MAX_KM)
                ),
                name="initiative_radius_in_range",
            ),
            models.CheckConstraint(condition=~models.Q(services=0), name="initiative_has_service"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Coordinates always follow the postal code, as for offices.
        postal_code = self.postal_code if self.postal_code_id else None
        self.latitude = postal_code.latitude if postal_code else None
        self.longitude = postal_code.longitude if postal_code else None
        if kwargs.get("update_fields") is not None and "postal_code" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "latitude", "longitude"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.reach == InitiativeReach.LOCAL:
            if self.postal_code_id is None:
                errors["postal_code"] = _("Für ein Angebot vor Ort brauchen wir die Postleitzahl.")
            if self.radius_km is None:
                errors["radius_km"] = _("Für ein Angebot vor Ort brauchen wir den Umkreis.")
        if not self.services:
            errors["services"] = _("Bitte wählen Sie mindestens ein Angebot.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.state == InitiativeState.PUBLISHED

    @property
    def is_local(self) -> bool:
        return self.reach == InitiativeReach.LOCAL

    @property
    def service_labels(self) -> list[str]:
        return labels_from_mask(self.services, InitiativeService)

    @property
    def language_labels(self) -> list[str]:
        return labels_from_mask(self.languages, Language)

    def offers(self, service: int) -> bool:
        return bool(self.services & (1 << service))


class InitiativeStaff(models.Model):
    """A user account that acts for an initiative in the area at /initiative/ (set by a coordinator).

    One initiative per account (a unique user): every page of the area then
    belongs to exactly one initiative, and nobody has to pick one before filing.
    Someone working for two initiatives gets a second account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiative_staff", verbose_name=_("Konto")
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="staff", verbose_name=_("Initiative")
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitarbeiter*in der Initiative")
        verbose_name_plural = _("Mitarbeiter*innen der Initiative")
        # A unique user implies a unique (user, initiative) pair.
        constraints = [models.UniqueConstraint(fields=["user"], name="initiative_staff_one_initiative_per_user")]

    def __str__(self) -> str:
        return f"{self.initiative_id} ← {self.user_id}"
