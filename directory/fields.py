"""Bit masks: a set of small integer choices stored in one integer column.

Directory-level so every app may use it (dependencies point matching →
volunteers → directory → geo); volunteers re-exports it.
"""

from collections.abc import Iterable

from django import forms


def to_mask(positions: Iterable[int]) -> int:
    mask = 0
    for position in positions:
        mask |= 1 << int(position)
    return mask


def from_mask(mask: int) -> list[int]:
    return [position for position in range(mask.bit_length()) if mask & (1 << position)]


def labels_from_mask(mask: int, choices) -> list[str]:
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
