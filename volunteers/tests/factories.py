"""factory_boy factories for the Mitläuferliste."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.bitmask import to_mask
from directory.choices import Language, OfficeKind
from volunteers.choices import DayPart, Weekday, availability_position
from volunteers.models import Absence, Consent, Volunteer

PASSWORD = "ein-langes-Passwort-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"person{n}@beispiel.de")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """An allauth e-mail address, verified unless ``verified=False`` is passed."""
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=True if extracted is None else extracted
            )
            user.save()


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer
        skip_postgeneration_save = True  # the consent hook saves its own row

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Helga{n}")
    postal_code_id = "47051"
    radius_km = 15
    availability = to_mask([availability_position(Weekday.MONDAY, DayPart.MORNING)])
    languages = to_mask([Language.GERMAN])
    office_kinds = to_mask(OfficeKind.values)
    phone = factory.Sequence(lambda n: f"0203 55{n:04d}")
    # Confirmed the briefing, so matching may ask them; pass ``briefed_at=None`` for one who has not.
    briefed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def consent(volunteer, create, extracted, **kwargs):
        if create and extracted is not False:
            Consent.objects.create(volunteer=volunteer, policy_version=settings.PRIVACY_POLICY_VERSION)


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    volunteer = factory.SubFactory(VolunteerFactory)
    starts_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    ends_on = factory.LazyAttribute(lambda absence: absence.starts_on + datetime.timedelta(days=3))
