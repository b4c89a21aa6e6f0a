"""Sign-up at /mitmachen/ through allauth's real view."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from core.bitmask import to_mask
from directory.choices import Language, OfficeKind
from volunteers.models import Consent, Volunteer
from volunteers.tests.conftest import signup_form_data
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

MALFORMED_POSTAL_CODE = "Bitte geben Sie eine Postleitzahl mit genau fünf Ziffern ein, zum Beispiel 47051."
RADIUS_MESSAGE = "Bitte eine Zahl von 1 bis 100 eingeben."


def post_signup(client, **overrides):
    return client.post("/mitmachen/", signup_form_data(**overrides))


def assert_rejected(response, field: str, message: str) -> None:
    """The page comes back with ``message`` at ``field``, and nothing was stored."""
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert User.objects.count() == 0
    assert Volunteer.objects.count() == 0
    assert Consent.objects.count() == 0
    assert mail.outbox == []


def test_the_signup_page_renders_in_german(client):
    response = client.get("/mitmachen/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Mitmachen: Ich möchte begleiten" in content
    assert 'name="availability"' in content


def test_a_valid_signup_creates_user_volunteer_and_consent_and_sends_a_verification_mail(client):
    before = timezone.now()
    response = post_signup(client)

    assert response.status_code == 302
    assert response.url == "/konto/confirm-email/"
    user = User.objects.get()
    assert user.email == "anna@beispiel.de"
    assert user.check_password(signup_form_data()["password1"])
    assert EmailAddress.objects.get(user=user).verified is False
    volunteer = Volunteer.objects.get(user=user)
    assert volunteer.display_name == "Anna"
    assert volunteer.postal_code_id == "47051"
    assert volunteer.radius_km == 20
    assert volunteer.availability == (1 << 0) | (1 << 4) | (1 << 17)
    assert volunteer.languages == to_mask([Language.GERMAN, Language.TURKISH])
    assert volunteer.office_kinds == to_mask([OfficeKind.JOBCENTER, OfficeKind.SOCIAL_WELFARE])
    assert volunteer.phone == "0203 123456"
    assert volunteer.gender == "f"
    assert volunteer.knows_social_law is True
    assert volunteer.is_active is True
    consent = Consent.objects.get(volunteer=volunteer)
    assert consent.policy_version == settings.PRIVACY_POLICY_VERSION
    assert before <= consent.given_at <= timezone.now()
    assert consent.withdrawn_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@beispiel.de"]
    assert "/konto/confirm-email/" in mail.outbox[0].body


def test_the_optional_fields_may_stay_empty(client):
    response = post_signup(client, phone="", gender="", knows_social_law=None)
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert (volunteer.phone, volunteer.gender, volunteer.knows_social_law) == ("", "", False)


def test_it_rejects_an_unknown_postal_code(client):
    assert_rejected(post_signup(client, postal_code="00000"), "postal_code", "Diese Postleitzahl kennen wir nicht.")


@pytest.mark.parametrize("postal_code", ["1234", "123456", "12 345", "٤٧٠٥١", "47051\n", " 47051", "４７０５１"])
def test_it_rejects_a_malformed_postal_code(client, postal_code):
    assert_rejected(post_signup(client, postal_code=postal_code), "postal_code", MALFORMED_POSTAL_CODE)


def test_it_rejects_a_missing_postal_code(client):
    assert_rejected(post_signup(client, postal_code=""), "postal_code", "Dieses Feld ist zwingend erforderlich.")


@pytest.mark.parametrize("radius", ["0", "101", "-5", "zehn", "1.5"])
def test_it_rejects_a_radius_out_of_range(client, radius):
    assert_rejected(post_signup(client, radius_km=radius), "radius_km", RADIUS_MESSAGE)


@pytest.mark.parametrize("radius", ["1", "100"])
def test_it_accepts_the_edges_of_the_radius_range(client, radius):
    assert post_signup(client, radius_km=radius).status_code == 302
    assert Volunteer.objects.get().radius_km == int(radius)


def test_it_rejects_a_signup_without_any_availability(client):
    assert_rejected(
        post_signup(client, availability=None), "availability", "Bitte kreuzen Sie mindestens eine Zeit an."
    )


def test_it_rejects_an_availability_cell_that_does_not_exist(client):
    response = post_signup(client, availability=["18"])
    assert response.status_code == 200
    assert "availability" in response.context["form"].errors
    assert Volunteer.objects.count() == 0


def test_the_availability_error_is_shown_inside_the_grid(client):
    content = post_signup(client, availability=None).content.decode()
    grid = content[content.index('id="div_id_availability"') :]
    grid = grid[: grid.index("</fieldset>")]
    assert "Bitte kreuzen Sie mindestens eine Zeit an." in grid


def test_it_rejects_a_signup_without_a_language(client):
    assert_rejected(post_signup(client, languages=None), "languages", "Bitte wählen Sie mindestens eine Sprache.")


def test_it_rejects_a_signup_without_an_office_kind(client):
    assert_rejected(post_signup(client, office_kinds=None), "office_kinds", "Bitte wählen Sie mindestens ein Amt.")


@pytest.mark.parametrize("email", ["schon@beispiel.de", "Schon@Beispiel.DE", "SCHON@BEISPIEL.DE"])
def test_a_registered_email_gets_the_same_answer_and_its_owner_a_mail(client, email):
    """No enumeration (ACCOUNT_PREVENT_ENUMERATION): the page cannot tell; the owner learns it by mail."""
    VolunteerFactory(user__email="schon@beispiel.de")
    response = client.post("/mitmachen/", signup_form_data(email=email))
    assert (response.status_code, response.url) == (302, "/konto/confirm-email/")
    assert User.objects.count() == 1
    assert Volunteer.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["schon@beispiel.de"]]


def test_it_rejects_an_oversized_display_name(client):
    assert_rejected(
        post_signup(client, display_name="A" * 51),
        "display_name",
        "Bitte sicherstellen, dass der Wert aus höchstens 50 Zeichen besteht. (Er besteht aus 51 Zeichen.)",
    )


def test_it_accepts_a_display_name_of_exactly_fifty_characters(client):
    assert post_signup(client, display_name="Ä" * 50).status_code == 302
    assert Volunteer.objects.get().display_name == "Ä" * 50


def test_it_rejects_an_oversized_phone_number(client):
    response = post_signup(client, phone="0" * 31)
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["Diese Telefonnummer ist zu lang."]
    assert User.objects.count() == 0
    assert Volunteer.objects.count() == 0


def test_it_stores_an_international_phone_number_readably(client):
    assert post_signup(client, phone="0049 (203) 12-34-56").status_code == 302
    assert Volunteer.objects.get().phone == "0203 123456"


@pytest.mark.parametrize("phone", ["bitte anrufen", "0203<b>1</b>", "0203 12345; DROP"])
def test_it_rejects_a_phone_number_that_is_not_digits(client, phone):
    assert_rejected(
        post_signup(client, phone=phone),
        "phone",
        "Diese Telefonnummer stimmt nicht. Bitte geben Sie sie mit Vorwahl ein, zum Beispiel 0203 123456 oder "
        "+49 203 123456.",
    )


def test_it_rejects_a_signup_without_consent(client):
    assert_rejected(
        post_signup(client, consent=None), "consent", "Ohne Ihr Einverständnis können wir Sie nicht eintragen."
    )


def test_it_rejects_mismatched_passwords(client):
    response = post_signup(client, password2="etwas-ganz-anderes-99")
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert User.objects.count() == 0


def test_html_in_the_name_is_stored_as_text(client):
    response = post_signup(client, display_name="<script>alert(1)</script>")
    assert response.status_code == 302
    assert Volunteer.objects.get().display_name == "<script>alert(1)</script>"


def test_html_in_the_name_is_escaped_when_the_form_comes_back_with_errors(client):
    content = post_signup(client, display_name="<script>alert(1)</script>", postal_code="00000").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_sign_up_remembers_the_page_language_for_later_mails(client):
    from volunteers.models import Volunteer

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    post_signup(client)
    assert Volunteer.objects.get().language == "en"
