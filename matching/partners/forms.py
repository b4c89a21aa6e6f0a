"""The request form as an initiative's staff fill it in for a client (/initiative/neu/).

The public form with its validation, and two differences:

- the consent checkbox records that the client agreed (the staff member asked them);
- the client may have no e-mail or phone of their own: then the initiative's
  contact goes into the request, marked as such (``contact_via_initiative``).
  We chose this over a free "contact person" field so that the request still has
  one place for its contact, the purge erases it as usual, and a companion who
  accepts gets a contact that works.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Initiative
from matching.requests.forms import RequestForm


class InitiativeRequestForm(RequestForm):
    use_initiative_contact = forms.BooleanField(
        label=_("Die Person hat keine E-Mail und kein Telefon: Bitte über unsere Initiative Kontakt aufnehmen."),
        help_text=_("Dann speichern wir die E-Mail-Adresse und die Telefonnummer Ihrer Initiative."),
        required=False,
    )

    def __init__(self, *args, initiative: Initiative, **kwargs):
        self.initiative = initiative
        super().__init__(*args, **kwargs)
        self.fields["first_name"].label = _("Vorname der Person")
        self.fields["first_name"].error_messages["required"] = _("Bitte geben Sie einen Namen für die Person an.")
        self.fields["counselling_services"].label = _("Braucht die Person auch Beratung? Wozu?")
        consent = self.fields["consent"]
        consent.label = _(
            "Die Person ist einverstanden, dass Mitläufer ihre Angaben speichert, um eine Begleitung zu finden."
        )
        consent.error_messages["required"] = _("Ohne das Einverständnis der Person können wir keine Begleitung suchen.")

    def _helper(self) -> FormHelper:
        helper = super()._helper()
        for item in helper.layout.fields:
            if isinstance(item, Fieldset) and "email" in item.fields:
                item.legend = _("Wie erreichen wir die Person?")
                item.fields.append("use_initiative_contact")
        return helper

    def contact_required(self) -> bool:
        return not self.cleaned_data.get("use_initiative_contact")

    def clean(self):
        data = self.cleaned_data
        if data.get("use_initiative_contact") and (data.get("email") or data.get("phone")):
            self.add_error(
                "use_initiative_contact",
                _("Bitte geben Sie entweder die Kontaktdaten der Person an oder den Kontakt über Ihre Initiative."),
            )
        return super().clean()
