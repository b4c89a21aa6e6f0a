from django.db import models
from django.utils.translation import gettext_lazy as _


class PostalCode(models.Model):
    """A German postal code and the centroid of its area.

    Volunteers give a postal code, not an address, so every distance in the
    platform is measured between these ~8,200 centroids.
    """

    code = models.CharField(_("Postleitzahl"), max_length=5, primary_key=True)
    latitude = models.FloatField(_("Breitengrad"))
    longitude = models.FloatField(_("Längengrad"))

    class Meta:
        verbose_name = _("Postleitzahl")
        verbose_name_plural = _("Postleitzahlen")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
