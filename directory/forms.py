from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.bitmask import BitMaskField, to_mask
from core.phone import PhoneField
from core.spam import SpamProtectionMixin
from directory import initiative_selectors
from directory.choices import InitiativeService, Language
from directory.initiative_services import INITIATIVE_FIELDS
from directory.models import Initiative
from geo.forms import PostalCodeField
from geo.models import PostalCode
from geo.selectors import postal_code_get
from geo.validators import known_postal_code

SEARCH_RADII_KM = (5, 10, 25, 50, 100)
SEARCH_RADIUS_DEFAULT_KM = 25


class InitiativeSearchForm(forms.Form):
    """Where to search: a postal code (five digits we know) or the name of a town."""

    ort = forms.CharField(
        label=_("Postleitzahl oder Ort"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "placeholder": _("z. B. 47051 oder Duisburg")}),
    )
    umkreis = forms.TypedChoiceField(
        label=_("Umkreis"),
        coerce=int,
        choices=[(km, _("%(km)s km") % {"km": km}) for km in SEARCH_RADII_KM],
        initial=SEARCH_RADIUS_DEFAULT_KM,
        required=False,
        empty_value=SEARCH_RADIUS_DEFAULT_KM,
    )

    def clean_ort(self) -> initiative_selectors.Place | None:
        text = " ".join(self.cleaned_data["ort"].split())
        if not text:
            return None
        if text[0].isdigit():
            # The same check as geo.forms.PostalCodeField: five ASCII digits, and known to us.
            postal_code = known_postal_code(text)
            return initiative_selectors.Place(
                label=text, latitude=postal_code.latitude, longitude=postal_code.longitude
            )
        place = initiative_selectors.place_locate(name=text)
        if place is None:
            raise ValidationError(
                _("Diesen Ort kennen wir nicht. Bitte suchen Sie mit der Postleitzahl."), code="unknown_place"
            )
        return place


class InitiativeForm(forms.ModelForm):
    """What an initiative says about itself: on submission and through its edit link.

    Only validates; the views hand ``initiative_data()`` to the services.
    """

    services = BitMaskField(
        label=_("Was bieten Sie an?"),
        choices=InitiativeService.choices,
        error_messages={"required": _("Bitte wählen Sie mindestens ein Angebot.")},
    )
    languages = BitMaskField(
        label=_("In welchen Sprachen?"),
        choices=Language.choices,
        initial=to_mask([Language.GERMAN]),
        error_messages={"required": _("Bitte wählen Sie mindestens eine Sprache.")},
    )
    website = forms.URLField(
        label=_("Internetseite (freiwillig)"), required=False, max_length=200, assume_scheme="https"
    )
    phone = PhoneField(label=_("Telefon (freiwillig)"), max_length=40)
    postal_code = PostalCodeField(
        required=False,
        help_text=_("Für Angebote vor Ort nötig. Bei reinen Online-Angeboten frei lassen."),
    )

    class Meta:
        model = Initiative
        fields = list(INITIATIVE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "reach": forms.RadioSelect,
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        labels = {
            "name": _("Name der Initiative"),
            "description": _("Was machen Sie? Für wen?"),
            "reach": _("Wo beraten Sie?"),
            "radius_km": _("Aus welchem Umkreis kommen Menschen zu Ihnen? (km)"),
            "email": _("Öffentliche E-Mail (freiwillig)"),
            "website": _("Internetseite (freiwillig)"),
            "opening_hours": _("Öffnungszeiten oder Sprechzeiten (freiwillig)"),
            "accessibility": _("Barrierefreiheit (freiwillig)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["postal_code"] = self.instance.postal_code_id or ""
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields())

    def layout_fields(self) -> list:
        return [
            Fieldset(_("Ihre Initiative"), "name", "description", "services", "languages"),
            Fieldset(_("Wo und für wen"), "reach", "street", "postal_code", "city", "radius_km"),
            Fieldset(_("Kontakt"), "website", "email", "phone", "opening_hours", "accessibility"),
            Fieldset(_("Für Rückfragen"), "contact_email"),
        ]

    def clean_postal_code(self) -> PostalCode | None:
        # PostalCodeField has checked the code; the model wants the row.
        code = self.cleaned_data["postal_code"]
        return postal_code_get(code=code) if code else None

    def _update_errors(self, errors: ValidationError) -> None:
        # The model's cross-field checks would repeat a field's own error (an unknown
        # postal code would also be reported as a missing one), so those are left out.
        if hasattr(errors, "error_dict"):
            for name in [name for name in errors.error_dict if name in self._errors]:
                del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def initiative_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in INITIATIVE_FIELDS}


class InitiativeSubmitForm(SpamProtectionMixin, InitiativeForm):
    def layout_fields(self) -> list:
        return [
            *super().layout_fields(),
            Field("form_started"),
            Div("hp_contact", css_class="d-none", aria_hidden="true"),
        ]
