"""The matching engine's tables: the office → postal-code distance index and the stored proposals."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeDistance(models.Model):
    """The matching index: an office's distance to every postal code within the largest radius.

    Rows are read in km order from an index on (office, km), so the candidate
    search stops after the first few postal codes (see ``engine``). ``km_ceil``
    is the distance rounded up: comparing it with the volunteer's integer radius
    keeps the comparison inside the index on PostgreSQL.
    """

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE, related_name="+")
    postal_code = models.ForeignKey(
        "geo.PostalCode", on_delete=models.CASCADE, db_column="postal_code", related_name="+"
    )
    km = models.FloatField()
    km_ceil = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("Entfernung")
        verbose_name_plural = _("Entfernungen")
        constraints = [models.UniqueConstraint(fields=["office", "postal_code"], name="office_distance_unique")]
        # The (office, km) covering index is created per database vendor in migration 0002.

    def __str__(self) -> str:
        return f"{self.office_id} → {self.postal_code_id}: {self.km:.1f} km"


class OfficeIndexState(models.Model):
    """Which postal code an office's distance rows were computed for, so a move triggers a rebuild."""

    office = models.OneToOneField("directory.Office", on_delete=models.CASCADE, primary_key=True, related_name="+")
    postal_code = models.CharField(max_length=5)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.office_id} @ {self.postal_code}"


class Proposal(models.Model):
    """A ranked candidate for a request, with the reasons a coordinator sees."""

    request = models.ForeignKey("matching.AccompanimentRequest", on_delete=models.CASCADE, related_name="proposals")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="proposals")
    rank = models.PositiveSmallIntegerField(_("Rang"))
    distance_km = models.FloatField(_("Entfernung (km)"))
    recent_matches = models.PositiveSmallIntegerField(_("Begleitungen in den letzten 30 Tagen"), default=0)
    last_match_at = models.DateTimeField(_("letzte Begleitung"), null=True, blank=True)
    reasons = models.JSONField(_("Gründe"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        ordering = ["request", "rank"]
        constraints = [models.UniqueConstraint(fields=["request", "volunteer"], name="proposal_unique_volunteer")]

    def __str__(self) -> str:
        return f"#{self.rank}"
