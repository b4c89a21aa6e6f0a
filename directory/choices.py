from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.IntegerChoices):
    """Each value is a bit position; store sums of ``1 << value``."""

    JOBCENTER = 0, _("Jobcenter")
    EMPLOYMENT_AGENCY = 1, _("Agentur für Arbeit")
    SOCIAL_WELFARE = 2, _("Sozialamt")
    IMMIGRATION = 3, _("Ausländerbehörde")
    HOUSING_BENEFIT = 4, _("Wohngeldstelle")
    FAMILY_BENEFITS = 5, _("Familienkasse")
    PENSION = 6, _("Rentenversicherung")
    COURT = 7, _("Gericht")
    OTHER = 8, _("Sonstige")
