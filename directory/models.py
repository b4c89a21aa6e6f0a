from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.choices import OfficeKind


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
