"""The one phone field: German and international numbers in, readable text out, a clear message otherwise."""

import pytest
from django.core.exceptions import ValidationError

from core.phone import PhoneField


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("  ", ""),
        ("0203 123456", "0203 123456"),
        ("0203/12 34 56", "0203 123456"),
        ("+49 203 123456", "0203 123456"),
        ("0049 176 12345678", "0176 12345678"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_it_cleans_a_number_to_readable_text(typed, stored):
    assert PhoneField().clean(typed) == stored


@pytest.mark.parametrize("typed", ["bitte anrufen", "0800-FLOWERS", "12", "0203 12", "+", "+49", "0203<b>1</b>"])
def test_it_rejects_what_is_not_a_number(typed):
    with pytest.raises(ValidationError) as error:
        PhoneField().clean(typed)
    assert error.value.messages == [
        "Diese Telefonnummer stimmt nicht. Bitte geben Sie sie mit Vorwahl ein, zum Beispiel 0203 123456 oder "
        "+49 203 123456."
    ]


def test_an_oversized_entry_gets_one_message():
    with pytest.raises(ValidationError) as error:
        PhoneField().clean("0" * 31)
    assert error.value.messages == ["Diese Telefonnummer ist zu lang."]


def test_it_is_required_only_when_asked():
    with pytest.raises(ValidationError):
        PhoneField(required=True).clean("")
