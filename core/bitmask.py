"""Bit masks: a set of small integer choices stored in one integer column.

Availability, languages, office kinds and services are stored this way so the
matching search can filter them inside one covering index (docs/architecture.md).
Here: the encoding, the form field, and the one filter every list uses
(``bits_any``, and ``BitMaskListFilter`` for the admin).
"""

from collections.abc import Iterable

from django import forms
from django.contrib import admin
from django.db.models import Choices, F, QuerySet


def to_mask(positions: Iterable[int]) -> int:
    mask = 0
    for position in positions:
        mask |= 1 << int(position)
    return mask


def from_mask(mask: int) -> list[int]:
    return [position for position in range(mask.bit_length()) if mask & (1 << position)]


def labels_from_mask(mask: int, choices: type[Choices]) -> list[str]:
    return [str(choice.label) for choice in choices if mask & (1 << choice.value)]


class BitMaskField(forms.TypedMultipleChoiceField):
    """Checkboxes in the form, one integer bit mask in the model (bit = choice value)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return from_mask(value)
        return value

    def clean(self, value) -> int:
        return to_mask(super().clean(value))

    def has_changed(self, initial, data) -> bool:
        initial_mask = initial if isinstance(initial, int) else to_mask(initial or [])
        try:
            return initial_mask != to_mask(data or [])
        except (TypeError, ValueError):
            return True


def bits_any(queryset: QuerySet, field_name: str, positions: Iterable[int] | int) -> QuerySet:
    """Rows whose bit mask ``field_name`` has at least one of ``positions`` set (all rows when none is given)."""
    if isinstance(positions, int | str):
        positions = [positions]
    mask = to_mask(int(position) for position in positions)
    if not mask:
        return queryset
    hit = f"{field_name}_hit"
    return queryset.alias(**{hit: F(field_name).bitand(mask)}).exclude(**{hit: 0})


class BitMaskListFilter(admin.SimpleListFilter):
    """An admin list filter over one bit-mask column; subclasses set ``title``, ``parameter_name``,
    ``field_name`` and ``bit_choices``."""

    field_name: str
    bit_choices: type  # an IntegerChoices class ("choices" is a method of every list filter)

    def lookups(self, request, model_admin):
        return self.bit_choices.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        # Only listed values: anything else (negative, huge) would break the bit shift.
        if self.value() not in {str(value) for value in self.bit_choices.values}:
            return queryset.none()
        return bits_any(queryset, self.field_name, int(self.value()))
