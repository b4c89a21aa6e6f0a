"""The public request form and the forms on the status page.

Plain forms, not ModelForms: the office picker, the split date and time and
the spam checks do not map onto model fields one to one. The service
(``services.request_create``) validates the model once more before saving.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.bitmask import BitMaskField, to_mask
from core.form_cache import crispy_form_html
from core.forms import StarredCharField, StarredEmailField, StarredPhoneField
from core.spam import SpamProtectionMixin
from directory import selectors as directory_selectors
from directory.choices import InitiativeService, Language
from directory.models import Office
from geo.forms import PostalCodeField
from matching.models import (
    MESSAGE_MAX_LENGTH,
    ContactChannel,
    PreferredGender,
    Purpose,
)
from matching.requests.appointment import AppointmentTimeMixin
from matching.requests.form_layout import NEW_OFFICE, request_form_layout

NUL = "\x00"


# The languages most people ask for, shown first; the others open with "Weitere Sprachen".
COMMON_LANGUAGES = (
    Language.GERMAN,
    Language.ENGLISH,
    Language.ARABIC,
    Language.TURKISH,
    Language.RUSSIAN,
    Language.UKRAINIAN,
    Language.FARSI,
)

TOO_LONG = _("Bitte schreiben Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d).")


def clean_search_text(value: str) -> str:
    """Search text safe for the database: no NUL characters, not oversized."""
    return (value or "").replace(NUL, "").strip()[:100]


class RequestForm(SpamProtectionMixin, AppointmentTimeMixin):
    """The form at /anfrage/. Required: a name, one contact, the office, date and time, consent."""

    # The regions whose offices may be picked; None: all (the public form). See the phone intake.
    office_region_ids: list[int] | None = None

    first_name = forms.CharField(
        label=_("Ihr Vorname"),
        max_length=50,
        help_text=_("Oder ein anderer Name, mit dem wir Sie ansprechen dürfen."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Bitte sagen Sie uns, wie wir Sie ansprechen dürfen.")},
    )
    email = StarredEmailField(
        label=_("E-Mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Diese E-Mail-Adresse stimmt nicht. Bitte prüfen Sie sie.")},
    )
    phone = StarredPhoneField(label=_("Telefon"), required=True)
    preferred_contact = forms.ChoiceField(
        label=_("Wie sollen wir uns melden?"),
        choices=[("", _("egal")), *ContactChannel.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    office_query = forms.CharField(
        label=_("Postleitzahl oder Ort des Amts"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "enterkeyhint": "search",
                "aria-describedby": "office-search-hint office-search-status",
            }
        ),
    )
    office = StarredCharField(
        label=_("Amt"),
        widget=forms.Select(attrs={"data-office-select": ""}),
    )
    new_office_name = forms.CharField(label=_("Name des Amts"), required=False, max_length=200)
    new_office_street = forms.CharField(label=_("Straße und Hausnummer"), required=False, max_length=200)
    new_office_postal_code = PostalCodeField(label=_("Postleitzahl des Amts"), required=False)

    purpose = forms.ChoiceField(
        label=_("Worum geht es?"),
        choices=[("", _("keine Angabe")), *Purpose.choices],
        required=False,
    )
    languages = BitMaskField(
        label=_("Welche Sprachen sprechen Sie?"),
        choices=[(language.value, language.label) for language in COMMON_LANGUAGES],
        initial=to_mask([Language.GERMAN]),
        required=False,
    )
    languages_more = BitMaskField(
        label=_("Weitere Sprachen"),
        choices=[choice for choice in Language.choices if choice[0] not in COMMON_LANGUAGES],
        required=False,
    )
    needs_language = forms.BooleanField(
        label=_("Die Begleitung soll eine dieser Sprachen sprechen."),
        required=False,
    )
    preferred_gender = forms.ChoiceField(
        label=_("Wer soll Sie begleiten?"),
        choices=[("", _("egal")), *PreferredGender.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    accessibility = forms.CharField(
        label=_("Brauchen Sie Hilfe, zum Beispiel wegen einer Behinderung?"),
        help_text=_("Zum Beispiel: Rollstuhl, Gebärdensprache, langsames Gehen."),
        required=False,
        max_length=200,
    )
    message = forms.CharField(
        label=_("Möchten Sie uns noch etwas sagen?"),
        help_text=_(
            "Höchstens 500 Zeichen. Bitte nichts über Ihre Krankheiten und keine Nummern aus Briefen vom Amt "
            "(Aktenzeichen): das brauchen wir nicht."
        ),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH}),
    )
    counselling_services = BitMaskField(
        label=_("Brauchen Sie auch Beratung? Wozu?"),
        help_text=_("Dann zeigen wir Ihnen Beratungsstellen in der Nähe Ihres Amts."),
        # Without "Begleitung / Beistand": that is what this form asks for anyway.
        choices=[choice for choice in InitiativeService.choices if choice[0] != InitiativeService.ESCORT],
        required=False,
    )
    consent = forms.BooleanField(
        label=_("Ich bin einverstanden, dass Mitläufer meine Angaben speichert, um eine Begleitung zu finden."),
        error_messages={"required": _("Ohne Ihr Einverständnis können wir keine Begleitung suchen.")},
    )

    # The order of the page: the error summary lists the fields in this order.
    field_order = (
        "first_name",
        "email",
        "phone",
        "office_query",
        "office",
        "new_office_name",
        "new_office_street",
        "new_office_postal_code",
        "date",
        "time",
        "duration_minutes",
        "purpose",
        "message",
        "languages",
        "languages_more",
        "needs_language",
        "preferred_gender",
        "accessibility",
        "preferred_contact",
        "counselling_services",
        "consent",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "accessibility", "message", "new_office_name", "new_office_street"):
            field = self.fields[name]
            field.error_messages["max_length"] = TOO_LONG
        self.fields["phone"].error_messages["max_length"] = _("Diese Telefonnummer ist zu lang.")
        self.fields["email"].error_messages["max_length"] = _("Diese E-Mail-Adresse ist zu lang.")
        self.fields["office_query"].error_messages["max_length"] = _("Bitte geben Sie nur Postleitzahl oder Ort ein.")
        self._date_attrs()
        self.office_results = self._office_results()
        searched = bool(clean_search_text(self._value("office_query")))
        self.office_search_status = office_search_message(count=len(self.office_results)) if searched else ""
        self.fields["office"].widget.choices = self._office_choices()

    @cached_property
    def helper(self) -> FormHelper:
        # Built when first asked for: a page served from core.form_cache never needs the layout.
        return self._helper()

    # --- The office picker -------------------------------------------------------------------------------

    def _value(self, name: str) -> str:
        raw = self.data.get(self.add_prefix(name), "") if self.is_bound else self.initial.get(name, "")
        return raw if isinstance(raw, str) else ""

    def _office_results(self) -> list[Office]:
        query = clean_search_text(self._value("office_query"))
        return list(directory_selectors.offices_search(query=query, region_ids=self.office_region_ids)) if query else []

    def _office_choices(self) -> list[tuple[str, str]]:
        choices = [("", _("– Bitte wählen –"))]
        offices = list(self.office_results)
        selected = self._value("office")
        if selected.isdigit() and len(selected) < 19 and all(str(o.pk) != selected for o in offices):
            office = directory_selectors.office_get_for_request(
                office_id=int(selected), region_ids=self.office_region_ids
            )
            if office is not None:
                offices.insert(0, office)
        choices += [(str(office.pk), office_label(office)) for office in offices]
        choices.append((NEW_OFFICE, _("Mein Amt ist nicht dabei")))
        return choices

    def clean_office_query(self) -> str:
        return clean_search_text(self.cleaned_data.get("office_query", ""))

    def clean_office(self) -> Office | str | None:
        value = self.cleaned_data.get("office", "")
        if value == NEW_OFFICE:
            return NEW_OFFICE
        if not value:
            if self.office_results:
                raise ValidationError(_("Bitte wählen Sie Ihr Amt aus der Liste."), code="required")
            raise ValidationError(
                _(
                    "Bitte suchen Sie Ihr Amt mit Postleitzahl oder Ort und wählen Sie es aus. "
                    "Oder wählen Sie „Mein Amt ist nicht dabei“."
                ),
                code="required",
            )
        office = None
        if value.isdigit() and len(value) < 19:
            office = directory_selectors.office_get_for_request(office_id=int(value), region_ids=self.office_region_ids)
        if office is None:
            raise ValidationError(_("Bitte wählen Sie ein Amt aus der Liste."), code="invalid_choice")
        return office

    def clean(self):
        # The shared spam checks raise; the other checks still run, so a person sees every message at once.
        spam_error = None
        try:
            cleaned = super().clean()
        except ValidationError as error:
            spam_error, cleaned = error, self.cleaned_data
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if (
            self.contact_required()
            and not email
            and not phone
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            message = _("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit wir Sie erreichen.")
            self.add_error("email", message)
            self.add_error("phone", message)
        preferred = cleaned.get("preferred_contact")
        if preferred == ContactChannel.EMAIL and phone and not email:
            self.add_error("preferred_contact", _("Sie haben keine E-Mail-Adresse angegeben."))
        elif preferred == ContactChannel.PHONE and email and not phone:
            self.add_error("preferred_contact", _("Sie haben keine Telefonnummer angegeben."))
        if cleaned.get("office") == NEW_OFFICE:
            for name, message in (
                ("new_office_name", _("Bitte geben Sie den Namen des Amts an.")),
                ("new_office_postal_code", _("Bitte geben Sie die Postleitzahl des Amts an.")),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        cleaned["starts_at"] = self.clean_appointment()
        if spam_error is not None:
            raise spam_error
        return cleaned

    def contact_required(self) -> bool:
        """Whether the person must give an e-mail address or a phone number (see initiative_forms)."""
        return True

    def request_data(self) -> dict:
        """Keyword arguments for ``services.request_create`` (without the office)."""
        data = self.cleaned_data
        preferred = data["preferred_contact"]
        if not preferred:
            preferred = ContactChannel.EMAIL if data["email"] and not data["phone"] else ""
            preferred = ContactChannel.PHONE if data["phone"] and not data["email"] else preferred
        return {
            "first_name": " ".join(data["first_name"].split()),
            "email": data["email"],
            "phone": data["phone"],
            "preferred_contact": preferred,
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "purpose": data["purpose"],
            "languages": data["languages"] | data["languages_more"],
            "needs_language": data["needs_language"],
            "preferred_gender": data["preferred_gender"],
            "accessibility": data["accessibility"].strip(),
            "message": data["message"].strip(),
            "counselling_services": data["counselling_services"],
        }

    def new_office_data(self) -> dict | None:
        if self.cleaned_data.get("office") != NEW_OFFICE:
            return None
        return {
            "name": self.cleaned_data["new_office_name"],
            "street": self.cleaned_data["new_office_street"],
            "postal_code": self.cleaned_data["new_office_postal_code"],
        }

    # --- Layout ------------------------------------------------------------------------------------------

    def rendered_fields(self) -> SafeString:
        """The fields as laid out. An empty form renders alike for everyone: kept per language and allowed dates."""
        untouched = not self.is_bound and not self._value("office_query")
        dates = self.fields["date"].widget.attrs
        return crispy_form_html(self, same_for_everyone=(dates["min"], dates["max"]) if untouched else None)

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = request_form_layout()
        return helper


def office_label(office: Office) -> str:
    parts = [office.name]
    address = ", ".join(part for part in (office.street, f"{office.postal_code_id} {office.city}".strip()) if part)
    if address:
        parts.append(address)
    label = " – ".join(parts)
    distance = getattr(office, "distance_km", None)
    if distance is not None:
        label += " (" + _("%(km)s km entfernt") % {"km": number_format(distance, 1)} + ")"
    return label


def office_search_message(*, count: int) -> str:
    """What the search found, for everyone and for screen readers (the page shows it in role=status)."""
    if count:
        return ngettext(
            "Wir haben %(count)d Amt gefunden. Bitte wählen Sie es in der Liste aus.",
            "Wir haben %(count)d Ämter gefunden. Bitte wählen Sie Ihr Amt in der Liste aus.",
            count,
        ) % {"count": count}
    return gettext(
        "Wir haben kein Amt gefunden. Versuchen Sie es mit der Postleitzahl oder einem anderen Wort. "
        "Oder wählen Sie in der Liste „Mein Amt ist nicht dabei“ und schreiben Sie Name und Postleitzahl des Amts auf."
    )
