from django import forms
from django.utils.translation import gettext_lazy as _

from geo.validators import validate_known_postal_code


class PostalCodeField(forms.CharField):
    """Exactly five ASCII digits of a postal code we know.

    ``strip`` is off on purpose: the rule is "five digits, nothing else", so a
    trailing newline or an inner space is an error rather than silently fixed.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Postleitzahl"))
        kwargs.setdefault("max_length", 5)
        kwargs["strip"] = False
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A numeric keypad on phones, and a hint for the browser's autofill.
        attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})
        return attrs

    def run_validators(self, value):
        # Only our own check, so every wrong input (also an oversized one) gets
        # one plain message instead of Django's generic length error beside it.
        if value in self.empty_values:
            return
        validate_known_postal_code(value)
