from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An area a group of coordinators looks after, defined by postal-code prefixes.

    The operator draws regions in the admin ("10 12 13" is Berlin); no postal code may
    belong to two regions (``geo.regions.region_prefixes_clean``). Each ``PostalCode``
    stores its region, recomputed whenever a region changes, so scoping a list of 1M
    volunteers is one indexed join instead of a prefix match per row.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=100, unique=True)
    prefixes = models.CharField(
        _("Postleitzahl-Anfänge"),
        max_length=500,
        help_text=_("Anfänge der Postleitzahlen mit Leerzeichen getrennt, je 1 bis 3 Ziffern, z. B. „10 12 13“."),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_regions",
        verbose_name=_("Koordination"),
        help_text=_(
            "Diese Koordinator*innen sehen im Admin nur die Anfragen und Ehrenamtlichen dieser Region. "
            "Wer keiner Region zugeordnet ist, sieht ganz Deutschland."
        ),
    )

    class Meta:
        verbose_name = _("Region")
        verbose_name_plural = _("Regionen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix_list(self) -> list[str]:
        return self.prefixes.split()


class PostalCode(models.Model):
    """A German postal code and the centroid of its area.

    Volunteers give a postal code, not an address, so every distance in the
    platform is measured between these ~8,200 centroids.
    """

    code = models.CharField(_("Postleitzahl"), max_length=5, primary_key=True)
    latitude = models.FloatField(_("Breitengrad"))
    longitude = models.FloatField(_("Längengrad"))
    # Derived from Region.prefixes by geo.regions.postal_codes_assign_regions; never edited by hand.
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="postal_codes", editable=False
    )

    class Meta:
        verbose_name = _("Postleitzahl")
        verbose_name_plural = _("Postleitzahlen")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
