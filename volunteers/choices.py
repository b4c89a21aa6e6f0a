"""Fixed lists a volunteer chooses from, and their bit-mask encoding.

Availability, languages and office kinds are stored as bit masks on the
volunteer row: each choice's value is a bit position. Matching then filters them
inside one covering index instead of joining three extra tables
(see docs/architecture.md, "Matching at scale").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Montag")
    TUESDAY = 1, _("Dienstag")
    WEDNESDAY = 2, _("Mittwoch")
    THURSDAY = 3, _("Donnerstag")
    FRIDAY = 4, _("Freitag")
    SATURDAY = 5, _("Samstag")


class DayPart(models.IntegerChoices):
    MORNING = 0, _("vormittags (8–12 Uhr)")
    MIDDAY = 1, _("mittags (12–16 Uhr)")
    AFTERNOON = 2, _("nachmittags (16–20 Uhr)")


# The hours each part of the day covers: [start, end).
DAY_PART_HOURS = {DayPart.MORNING: (8, 12), DayPart.MIDDAY: (12, 16), DayPart.AFTERNOON: (16, 20)}


def availability_position(weekday: int, day_part: int) -> int:
    return weekday * len(DayPart) + day_part


def availability_choices() -> list[tuple[int, str]]:
    """One choice per cell of the weekly grid, day by day."""
    return [(availability_position(day, part), f"{day.label}, {part.label}") for day in Weekday for part in DayPart]


class Gender(models.TextChoices):
    FEMALE = "f", _("Frau")
    MALE = "m", _("Mann")
    DIVERSE = "d", _("divers")
