import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from geo.models import PostalCode, Region
from geo.regions import (
    GERMANY_DEFAULT,
    coordinator_region_ids,
    postal_code_region,
    region_prefixes_clean,
    regions_load_default,
)

pytestmark = pytest.mark.django_db


def test_saving_a_region_assigns_its_postal_codes_and_editing_moves_them():
    berlin = Region.objects.create(name="Berlin", slug="berlin", prefixes="10 12 13")
    assert postal_code_region("10117") == berlin
    assert postal_code_region("47051") is None
    assert PostalCode.objects.filter(region=berlin).count() == PostalCode.objects.filter(code__regex=r"^1[023]").count()

    berlin.prefixes = "10"
    berlin.save()
    assert postal_code_region("12043") is None
    berlin.delete()
    assert not PostalCode.objects.exclude(region=None).exists()


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("10 12 13", "10 12 13"),
        ("13,10; 12", "10 12 13"),
        ("4", "4"),
        ("471  472", "471 472"),
        ("10 10", "10"),
        # A separator at either end (pasted from a list) is no empty prefix: it got "Nicht erlaubt: " with nothing.
        (",10, 12,", "10 12"),
        ("; 10 ;", "10"),
    ],
)
def test_prefixes_are_tidied(raw, stored):
    assert region_prefixes_clean(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "mindestens einen"),
        (" ; , ", "mindestens einen"),
        ("1234", "1 bis 3 Ziffern"),
        ("1a", "1 bis 3 Ziffern"),
        ("١٠", "1 bis 3 Ziffern"),
        ("4 47", "enthält schon"),
    ],
)
def test_wrong_prefixes_are_refused_with_a_plain_message(raw, message):
    with pytest.raises(ValidationError) as error:
        region_prefixes_clean(raw)
    assert message in error.value.messages[0]


def test_regions_may_not_overlap_in_either_direction():
    ruhr = Region.objects.create(name="Ruhr", slug="ruhr", prefixes="44 45 47")
    for overlapping in ("4", "471", "45 50"):
        with pytest.raises(ValidationError) as error:
            region_prefixes_clean(overlapping)
        assert "Ruhr" in error.value.messages[0]
    assert region_prefixes_clean("46 48") == "46 48"
    # A region's own prefixes do not collide with themselves when it is edited.
    assert region_prefixes_clean("44 45 47 471"[:8], exclude_region_id=ruhr.pk) == "44 45 47"


def test_the_default_for_germany_covers_every_postal_code_once():
    call_command("load_regions")
    assert Region.objects.count() == len(GERMANY_DEFAULT)
    assert not PostalCode.objects.filter(region=None).exists()
    # Valid by the same rule the admin applies.
    for region in Region.objects.all():
        region_prefixes_clean(region.prefixes, exclude_region_id=region.pk)
    # A second run leaves an operator's edits alone.
    Region.objects.filter(slug="berlin").update(name="Berlin (Team Kreuzberg)")
    assert regions_load_default() == 0
    assert Region.objects.filter(name="Berlin (Team Kreuzberg)").exists()


def test_national_and_regional_coordinators():
    users = get_user_model().objects
    national = users.create_user("national", is_staff=True)
    boss = users.create_user("boss", is_staff=True, is_superuser=True)
    regional = users.create_user("regional", is_staff=True)
    berlin = Region.objects.create(name="Berlin", slug="berlin", prefixes="10")
    berlin.coordinators.add(regional, boss)
    assert coordinator_region_ids(national) is None
    assert coordinator_region_ids(boss) is None
    assert coordinator_region_ids(users.get(pk=regional.pk)) == [berlin.pk]


def test_only_national_coordinators_edit_regions(client):
    users = get_user_model().objects
    regional = users.create_user("regional", is_staff=True)
    from django.contrib.auth.models import Permission

    regional.user_permissions.add(*Permission.objects.filter(codename__endswith="_region"))
    berlin = Region.objects.create(name="Berlin", slug="berlin", prefixes="10")
    berlin.coordinators.add(regional)
    from django.test import override_settings

    with override_settings(ADMIN_REQUIRE_MFA=False):
        client.force_login(regional)
        response = client.post(
            f"/admin/geo/region/{berlin.pk}/change/", {"name": "Berlin", "slug": "berlin", "prefixes": "1"}
        )
    assert response.status_code == 403
    berlin.refresh_from_db()
    assert berlin.prefixes == "10"
