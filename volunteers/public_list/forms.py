import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.phone import PhoneField
from core.spam import SpamProtectedForm

MESSAGE_MIN = 20
MESSAGE_MAX = 2000
# Links are what spam carries; a person who wants to be met needs none (they give a contact below).
LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)


class RelayForm(SpamProtectedForm):
    """A message to a listed volunteer; we forward it by e-mail and show the sender nothing about them."""

    sender_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Bitte nennen Sie Ihren Namen.")},
    )
    sender_email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")},
    )
    sender_phone = PhoneField(label=_("oder Ihre Telefonnummer"))
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        min_length=MESSAGE_MIN,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Worum geht es, und wann passt es Ihnen? Bitte keine Links."),
        error_messages={
            "required": _("Bitte schreiben Sie eine Nachricht."),
            "min_length": _("Bitte schreiben Sie etwas mehr (mindestens %(limit_value)d Zeichen)."),
            "max_length": _("Die Nachricht ist zu lang (höchstens %(limit_value)d Zeichen)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "message",
            Fieldset(
                _("Wie kann man Sie erreichen?"),
                "sender_name",
                "sender_email",
                "sender_phone",
            ),
            Field("form_started"),
            Div("hp_contact", css_class="d-none", aria_hidden="true"),
        )

    def clean_sender_name(self) -> str:
        # A name is one line: no line breaks smuggled into the mail.
        return " ".join(self.cleaned_data["sender_name"].split())

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if LINK.search(message):
            raise forms.ValidationError(_("Bitte schicken Sie keine Links. Schreiben Sie einfach, worum es geht."))
        return message

    def clean(self):
        cleaned = super().clean()
        typed_wrong = "sender_email" in self.errors or "sender_phone" in self.errors
        if not typed_wrong and not (cleaned.get("sender_email") or cleaned.get("sender_phone")):
            self.add_error(
                "sender_email",
                _("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit man Ihnen antworten kann."),
            )
        return cleaned


class ListingForm(forms.Form):
    listed_publicly = forms.BooleanField(
        label=_("Mich mit Vornamen auf der öffentlichen Mitläuferliste zeigen"),
        required=False,
        help_text=_(
            "Dann sieht jede*r dort Ihren Vornamen, die ersten drei Ziffern Ihrer Postleitzahl und Ihre Sprachen. "
            "Man kann Ihnen über ein Formular schreiben; wir leiten die Nachricht per E-Mail an Sie weiter. "
            "Ihre E-Mail-Adresse und Telefonnummer sieht niemand. Sie können das jederzeit wieder abschalten."
        ),
    )
