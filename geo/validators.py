import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# [0-9] and not \d: \d also matches Arabic-Indic and other Unicode digits.
# \Z and not $: $ lets a trailing newline through.
POSTAL_CODE_RE = re.compile(r"\A[0-9]{5}\Z")


def validate_postal_code_format(value: str) -> None:
    if not isinstance(value, str) or not POSTAL_CODE_RE.match(value):
        raise ValidationError(
            _("Bitte geben Sie eine Postleitzahl mit genau fünf Ziffern ein, zum Beispiel 47051."),
            code="malformed",
        )


def validate_known_postal_code(value: str) -> None:
    """Reject anything that is not five ASCII digits or not in our table."""
    from geo.selectors import postal_code_exists

    validate_postal_code_format(value)
    if not postal_code_exists(code=value):
        raise ValidationError(_("Diese Postleitzahl kennen wir nicht."), code="unknown")
