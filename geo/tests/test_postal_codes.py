import pytest
from django.core.exceptions import ValidationError

from geo.distances import Point, geodesic_km, points_within
from geo.forms import PostalCodeField
from geo.models import PostalCode

pytestmark = pytest.mark.django_db


def test_the_migration_loads_all_german_postal_codes():
    assert PostalCode.objects.count() > 8000
    duisburg = PostalCode.objects.get(code="47051")
    assert 51.3 < duisburg.latitude < 51.5


@pytest.mark.parametrize("value", ["47051", "10117", "01067"])
def test_it_accepts_known_postal_codes(value):
    assert PostalCodeField().clean(value) == value


@pytest.mark.parametrize(
    "value", ["1234", "123456", "12 345", "٤٧٠٥١", "47051\n", " 47051", "4705a", "４７０５１", "47051" * 100]
)
def test_it_rejects_malformed_postal_codes_with_a_plain_message(value):
    with pytest.raises(ValidationError) as error:
        PostalCodeField().clean(value)
    assert error.value.messages == ["Bitte geben Sie eine Postleitzahl mit genau fünf Ziffern ein, zum Beispiel 47051."]


def test_it_rejects_unknown_postal_codes():
    with pytest.raises(ValidationError) as error:
        PostalCodeField().clean("00000")
    assert error.value.messages == ["Diese Postleitzahl kennen wir nicht."]


def test_points_within_agrees_with_geodesic_distances():
    origin = PostalCode.objects.get(code="47051")
    points = [Point(p.code, p.latitude, p.longitude) for p in PostalCode.objects.all()]
    hits = points_within((origin.latitude, origin.longitude), points, 25)
    expected = {
        p.code for p in points if geodesic_km((origin.latitude, origin.longitude), (p.latitude, p.longitude)) <= 25
    }
    assert {p.code for p, _ in hits} == expected
    assert [km for _, km in hits] == sorted(km for _, km in hits)
