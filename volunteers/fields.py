from django import forms

from volunteers.choices import from_mask, to_mask


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
