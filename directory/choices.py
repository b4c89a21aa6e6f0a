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


class Language(models.IntegerChoices):
    """Languages spoken by volunteers and offered by initiatives; each value is a bit position."""

    GERMAN = 0, _("Deutsch")
    ENGLISH = 1, _("Englisch")
    ARABIC = 2, _("Arabisch")
    TURKISH = 3, _("Türkisch")
    RUSSIAN = 4, _("Russisch")
    UKRAINIAN = 5, _("Ukrainisch")
    FARSI = 6, _("Persisch (Farsi/Dari)")
    KURDISH = 7, _("Kurdisch")
    POLISH = 8, _("Polnisch")
    ROMANIAN = 9, _("Rumänisch")
    BULGARIAN = 10, _("Bulgarisch")
    FRENCH = 11, _("Französisch")
    SPANISH = 12, _("Spanisch")
    ITALIAN = 13, _("Italienisch")
    SERBO_CROATIAN = 14, _("Bosnisch/Kroatisch/Serbisch")
    ALBANIAN = 15, _("Albanisch")
    TIGRINYA = 16, _("Tigrinya")
    SOMALI = 17, _("Somali")
    VIETNAMESE = 18, _("Vietnamesisch")
    SIGN = 19, _("Deutsche Gebärdensprache")


class InitiativeService(models.IntegerChoices):
    """What a partner initiative offers; each value is a bit position of ``Initiative.services``."""

    SOCIAL_LAW_ADVICE = 0, _("Rechtsberatung Sozialrecht")
    SOCIAL_COUNSELLING = 1, _("Sozialberatung")
    PSYCHOSOCIAL = 2, _("Hilfe bei seelischen Sorgen (psychosoziale Beratung)")
    DEBT = 3, _("Schuldnerberatung")
    MIGRATION = 4, _("Migrationsberatung")
    UNEMPLOYED_SELF_HELP = 5, _("Erwerbslosentreff / Selbsthilfe")
    ESCORT = 6, _("Begleitung / Beistand")
    HOUSING_EMERGENCY = 7, _("Hilfe, wenn die Wohnung in Gefahr ist (Wohnungsnotfallhilfe)")
    FOOD = 8, _("Lebensmittel / Tafel")
    OTHER = 9, _("Sonstiges")


class InitiativeReach(models.TextChoices):
    """How far an initiative reaches: around its address, or everywhere."""

    LOCAL = "local", _("vor Ort, im Umkreis")
    NATIONWIDE = "nationwide", _("bundesweit")
    ONLINE = "online", _("online oder am Telefon")


class InitiativeState(models.TextChoices):
    SUBMITTED = "submitted", _("eingereicht")
    PUBLISHED = "published", _("veröffentlicht")
    ARCHIVED = "archived", _("archiviert")
