import pytest

from volunteers.tests.factories import PASSWORD, UserFactory, VolunteerFactory


def signup_form_data(**overrides) -> dict:
    """A complete, valid sign-up as the browser would post it."""
    data = {
        "email": "anna@beispiel.de",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Anna",
        "postal_code": "47051",
        "radius_km": "20",
        "availability": ["0", "4", "17"],
        "languages": ["0", "3"],
        "office_kinds": ["0", "2"],
        "phone": "0203 123456",
        "gender": "f",
        "knows_social_law": "on",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def profile_form_data(**overrides) -> dict:
    data = signup_form_data(**overrides)
    for key in ("email", "password1", "password2", "consent"):
        data.pop(key, None)
    return data


@pytest.fixture
def volunteer():
    return VolunteerFactory(display_name="Bettina", phone="0203 111111", user__email="bettina@beispiel.de")


@pytest.fixture
def other_volunteer():
    return VolunteerFactory(display_name="Quirin", phone="0171 9876543", user__email="quirin@anderswo.de")


@pytest.fixture
def volunteer_client(client, volunteer):
    client.force_login(volunteer.user)
    return client


@pytest.fixture
def coordinator():
    return UserFactory(is_staff=True, is_superuser=True, email="koordination@mitlaeufer.example")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
