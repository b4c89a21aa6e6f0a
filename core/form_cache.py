"""Rendered crispy forms kept per process, for long forms that render the same for everyone.

crispy-forms renders every field through several templates; for the request form that was ~90 % of the page's
time (``bench_web``: 0.05–0.14 of a bare view). An unbound form with no prefilled values renders identically for
every visitor in a language, except for its signed start time (``core.spam``), which must stay per request so the
minimum fill time holds. So the first rendering is kept, and later ones swap in their own start time.

Kept in the process, not in the shared cache: a deploy starts new processes, so a changed template or label can
never be served from an old entry, and a hit costs no network round trip. The key names everything else the
output depends on (form class, language, URL prefix and what the form says varies); the CSRF token lies outside
the rendered fields (``{% csrf_token %}`` in the page), so it is per request anyway.
"""

from collections.abc import Hashable

from crispy_forms.utils import render_crispy_form
from django import forms
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

STARTED_FIELD = "form_started"
# A handful of languages times the dates the form allows (its min/max change once a day): a small bound is plenty.
MAX_ENTRIES = 64

_rendered: dict[tuple, tuple[str, str]] = {}


def _started_attribute(token: str) -> str:
    return f'name="{STARTED_FIELD}" value="{escape(token)}"'


def crispy_form_html(form: forms.Form, *, same_for_everyone: Hashable | None = None) -> SafeString:
    """``{% crispy form form.helper %}``, kept per process if ``same_for_everyone`` is given.

    ``same_for_everyone`` is None for a form that depends on what this visitor sent or was prefilled with
    (rendered afresh), else whatever else the output depends on (for example the allowed dates).
    """
    if same_for_everyone is None or STARTED_FIELD not in form.fields:
        return render_crispy_form(form, form.helper)
    key = (type(form).__qualname__, type(form).__module__, get_language(), get_script_prefix(), same_for_everyone)
    started = str(form[STARTED_FIELD].value())
    kept = _rendered.get(key)
    if kept is None:
        rendered = render_crispy_form(form, form.helper)
        if rendered.count(_started_attribute(started)) != 1:
            return rendered  # nothing to swap safely: not kept
        if len(_rendered) >= MAX_ENTRIES:
            _rendered.clear()
        _rendered[key] = kept = (str(rendered), started)
    html, kept_started = kept
    # escape(): the token is URL-safe base64 and colons anyway; the attribute stays well-formed whatever it is.
    return mark_safe(html.replace(_started_attribute(kept_started), _started_attribute(started)))  # noqa: S308


def forget_rendered_forms() -> None:
    """Empty the kept renderings (tests that change a form's labels or templates at run time)."""
    _rendered.clear()
