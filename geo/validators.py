import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo.models import PostalCode
from geo.selectors import postal_code_get

# [0-9] and not \d: \d also matches Arabic-Indic and other Unicode digits.
# \Z and not $: $ lets a trailing newline through.
POSTAL_CODE_RE = re.compile(r"\A[0-9]{5}\Z")


def validate_postal_code_format(value: str) -> None:
    if not isinstance(value, str) or not POSTAL_CODE_RE.match(value):
        raise ValidationError(
            _("Bitte geben Sie eine Postleitzahl mit genau fünf Ziffern ein, zum Beispiel 47051."),
            code="malformed",
        )


def known_postal_code(value: str) -> PostalCode:
    """The row of a postal code we know; a ValidationError for anything else (the one check, see PostalCodeField)."""
    validate_postal_code_format(value)
    postal_code = postal_code_get(code=value)
    if postal_code is None:
        raise ValidationError(_("Diese Postleitzahl kennen wir nicht."), code="unknown")
    return postal_code


def validate_known_postal_code(value: str) -> None:
    """Reject anything that is not five ASCII digits or not in our table."""
    known_postal_code(value)
