from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bitmask import BitMaskField, to_mask
from core.i18n import active_language
from core.phone import PhoneField
from directory.choices import Language, OfficeKind
from geo.forms import PostalCodeField
from volunteers import services
from volunteers.choices import Gender, availability_choices
from volunteers.models import RADIUS_DEFAULT_KM, RADIUS_MAX_KM, RADIUS_MIN_KM, Absence, Volunteer


class VolunteerProfileForm(forms.Form):
    """Everything a volunteer tells us about themselves.

    A plain form, not a ModelForm: allauth builds its sign-up form on top of
    this class, and the same fields are edited later on /profil/.
    """

    display_name = forms.CharField(
        label=_("Vorname oder Spitzname"),
        max_length=50,
        help_text=_("So stellen wir Sie den Menschen vor, die Sie begleiten."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    postal_code = PostalCodeField(help_text=_("Wo Sie wohnen. Wir zeigen sie niemandem."))
    radius_km = forms.IntegerField(
        label=_("So weit fahre ich (km)"),
        initial=RADIUS_DEFAULT_KM,
        min_value=RADIUS_MIN_KM,
        max_value=RADIUS_MAX_KM,
        error_messages={
            "min_value": _("Bitte eine Zahl von 1 bis 100 eingeben."),
            "max_value": _("Bitte eine Zahl von 1 bis 100 eingeben."),
            "invalid": _("Bitte eine Zahl von 1 bis 100 eingeben."),
        },
    )
    availability = BitMaskField(
        label=_("Wann haben Sie meistens Zeit?"),
        choices=availability_choices,
        error_messages={"required": _("Bitte kreuzen Sie mindestens eine Zeit an.")},
    )
    languages = BitMaskField(
        label=_("Welche Sprachen sprechen Sie?"),
        choices=Language.choices,
        initial=to_mask([Language.GERMAN]),
        error_messages={"required": _("Bitte wählen Sie mindestens eine Sprache.")},
    )
    office_kinds = BitMaskField(
        label=_("Zu welchen Ämtern gehen Sie mit?"),
        choices=OfficeKind.choices,
        initial=to_mask(OfficeKind.values),
        error_messages={"required": _("Bitte wählen Sie mindestens ein Amt.")},
    )
    phone = PhoneField(label=_("Telefon (freiwillig)"))
    gender = forms.ChoiceField(
        label=_("Geschlecht (freiwillig)"),
        choices=[("", _("keine Angabe")), *Gender.choices],
        required=False,
        help_text=_("Nur wichtig, wenn sich jemand ausdrücklich eine Frau oder einen Mann als Begleitung wünscht."),
    )
    knows_social_law = forms.BooleanField(
        label=_("Ich kenne mich im Sozialrecht aus (freiwillig, keine Voraussetzung)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page's own <form> carries the CSRF token; crispy would add a second one.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self.layout_fields())

    def layout_fields(self) -> list:
        return [
            Fieldset(
                _("Über Sie"),
                "display_name",
                "postal_code",
                "radius_km",
            ),
            Field("availability", template="volunteers/availability_field.html"),
            Fieldset(_("Sprachen und Ämter"), "languages", "office_kinds"),
            Fieldset(_("Freiwillige Angaben"), "phone", "gender", "knows_social_law"),
        ]

    @classmethod
    def initial_from(cls, volunteer: Volunteer) -> dict:
        # serializable_value gives the postal code's key, which is what the form field holds.
        return {name: volunteer.serializable_value(name) for name in services.PROFILE_FIELDS}

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.PROFILE_FIELDS}


class VolunteerSignupForm(VolunteerProfileForm):
    """The extra fields of allauth's sign-up at /mitmachen/ (ACCOUNT_SIGNUP_FORM_CLASS)."""

    consent = forms.BooleanField(
        label=_("Ich bin einverstanden, dass Mitläufer meine Angaben speichert, um mich als Begleitung vorzuschlagen."),
        help_text=_("Sie können das jederzeit widerrufen und Ihr Konto löschen."),
        error_messages={"required": _("Ohne Ihr Einverständnis können wir Sie nicht eintragen.")},
    )

    def signup(self, request, user) -> None:
        """Called by allauth inside the sign-up transaction, after the user is saved."""
        services.volunteer_create(
            user=user,
            policy_version=settings.PRIVACY_POLICY_VERSION,
            language=active_language(),
            **self.profile_data(),
        )


class PauseForm(forms.Form):
    paused_until = forms.DateField(
        label=_("Pause bis einschließlich"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leer lassen, um die Pause zu beenden."),
    )

    def clean_paused_until(self):
        value = self.cleaned_data["paused_until"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("Dieses Datum liegt in der Vergangenheit."))
        return value


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if ends_on and ends_on < timezone.localdate():
            self.add_error("ends_on", _("Dieses Datum liegt in der Vergangenheit."))
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Das Ende muss nach dem Anfang liegen."))
        return cleaned


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, ich möchte mein Konto und alle meine Daten jetzt endgültig löschen."),
        error_messages={"required": _("Bitte bestätigen Sie das Löschen mit dem Häkchen.")},
    )
