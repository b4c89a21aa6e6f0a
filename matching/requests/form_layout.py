"""The layout of the request form (crispy-forms): which fields come first and which are tucked away."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.layout import Details

NEW_OFFICE = "new"

# makemessages does not look for {% translate %} inside Python strings: these mark the texts of the
# HTML snippets below for the catalogue (the snippets translate them when they are rendered).
_HTML_TEXTS = (
    gettext_noop("Eins von beiden genügt: E-Mail oder Telefon."),
    gettext_noop("Suchen Sie mit Postleitzahl, Ort, Straße oder Name, zum Beispiel: Sozialamt Duisburg."),
    gettext_noop("Was wir speichern und wann wir es löschen"),
)


# Longer than 60 lines on purpose: the whole page layout in one declarative block reads better than pieces.
def request_form_layout() -> Layout:
    """The request form's page: the required fields first, every optional part in a closed section."""
    return Layout(
        Div("hp_contact", css_class="d-none", aria_hidden="true"),
        "form_started",
        "first_name",
        Fieldset(
            _("Wie erreichen wir Sie?"),
            HTML(
                '<p class="form-text mt-0">{% load i18n %}'
                '{% translate "Eins von beiden genügt: E-Mail oder Telefon." %}</p>'
            ),
            "email",
            "phone",
        ),
        Fieldset(
            _("Wo ist Ihr Termin?"),
            HTML(
                '<p class="form-text mt-0" id="office-search-hint">{% load i18n %}'
                '{% translate "Suchen Sie mit Postleitzahl, Ort, Straße oder Name, zum Beispiel: Sozialamt Duisburg." %}'  # noqa: E501 one msgid
                "</p>"
            ),
            Div(
                Field("office_query", wrapper_class="flex-grow-1 mb-0"),
                # StrictButton, not Submit: Submit always adds btn-primary, which hid the
                # outline button's text (blue on blue).
                StrictButton(
                    _("Ämter suchen"),
                    type="submit",
                    name="search",
                    value="1",
                    css_class="btn-outline-primary",
                    formnovalidate="formnovalidate",
                    # Without JavaScript the page reloads: land at the result, not at the top.
                    formaction=reverse("matching:new") + "#office-search",
                    data_office_search="",
                ),
                css_class="d-flex gap-2 align-items-end mb-2",
                css_id="office-search",
            ),
            # Always in the page, so screen readers announce what the live search writes into it.
            HTML(
                '<p id="office-search-status" role="status" aria-live="polite" class="fw-semibold mb-3">'
                "{{ form.office_search_status }}</p>"
            ),
            "office",
            Details(
                _("Mein Amt ist nicht dabei"),
                "new_office_name",
                "new_office_street",
                "new_office_postal_code",
                css_id="new-office",
                open_if=lambda form: form._value("office") == NEW_OFFICE,
            ),
        ),
        Fieldset(
            _("Wann ist Ihr Termin?"),
            Div(
                Field("date", wrapper_class="col-7"),
                Field("time", wrapper_class="col-5"),
                css_class="row g-2",
            ),
        ),
        Details(_("Mehr zum Termin (freiwillig)"), "duration_minutes", "purpose", "message"),
        Details(
            _("Sprache, Begleitung und Hilfe (freiwillig)"),
            "languages",
            Details(_("Weitere Sprachen"), Field("languages_more", wrapper_class="checkbox-columns")),
            "needs_language",
            "preferred_gender",
            "accessibility",
            "preferred_contact",
        ),
        Details(
            _("Brauchen Sie auch Beratung? (freiwillig)"),
            Field("counselling_services", wrapper_class="checkbox-columns"),
        ),
        "consent",
        HTML(
            '<p class="form-text">{% load i18n %}<a href="{% url "privacy" %}">'
            '{% translate "Was wir speichern und wann wir es löschen" %}</a></p>'
        ),
    )
