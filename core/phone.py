"""The one phone-number form field: django-phonenumber-field (libphonenumber) with Germany as home region.

People type numbers as they know them ("0203 123456", "0203/12 34 56", "+49 203 123456", "0049 …",
"+44 20 7946 0958"). The field accepts all of them and stores readable text in the model's plain
CharField: a German number in national format ("0203 123456"), any other in international format.
Plain text rather than a model PhoneNumberField keeps existing rows as they are (no data migration
of free text that libphonenumber may not parse) and keeps the admin, CSV and mails readable.
"""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

HOME_REGION = "DE"
PHONE_MAX_LENGTH = 30
INVALID_MESSAGE = _(
    "Diese Telefonnummer stimmt nicht. Bitte geben Sie sie mit Vorwahl ein, "
    "zum Beispiel 0203 123456 oder +49 203 123456."
)


def phone_display(number: PhoneNumber) -> str:
    """A valid number as people write it: national for German numbers, international for others."""
    if number.country_code == phonenumbers.country_code_for_region(HOME_REGION):
        return number.as_national
    return number.as_international


class PhoneField(PhoneNumberField):
    """Optional by default; cleans to a readable str ("" when empty), never to a PhoneNumber object."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid", INVALID_MESSAGE)
        kwargs["error_messages"].setdefault("max_length", _("Diese Telefonnummer ist zu lang."))
        attrs = {"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(region=HOME_REGION, **kwargs)

    def clean(self, value: object) -> str:
        if isinstance(value, str) and self.max_length and len(value.strip()) > self.max_length:
            # One message, not also "invalid": an oversized paste is rarely a number.
            raise ValidationError(self.error_messages["max_length"], code="max_length")
        if isinstance(value, str) and any(char.isalpha() for char in value):
            # libphonenumber reads letters as a keypad would ("0800-FLOWERS"); here they are a typo or a note.
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        number = super().clean(value)
        if not number:
            return ""
        if not isinstance(number, PhoneNumber) or not number.is_valid():  # the library's validator ran already
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        shown = phone_display(number)
        # Spaces can make a compact entry longer than the column; E.164 is at most 16 characters.
        return shown if self.max_length is None or len(shown) <= self.max_length else number.as_e164
