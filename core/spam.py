"""Spam protection for public forms that need no account.

Three small, independent checks, shared by every such form (initiative
self-submission, and the request form can use them too):

- a honeypot field that people never see and bots fill in;
- a minimum fill time, measured from a signed timestamp rendered into the form,
  so it cannot be forged and needs no session;
- a per-client rate limit counted in the Django cache (the client address as
  ``mitlaeufer.proxy`` sets it). The address is only used as a keyed hash in the
  cache key, never stored or logged. Forms count accepted submissions only, and
  submissions a bot gave itself away with (honeypot, forged start time), never
  a person's corrected mistakes.

CSRF protection comes from Django's middleware as usual.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

FORM_STARTED_SALT = "core.spam.form-started"
# A form left open longer than this gets a fresh timestamp and must be sent again.
FORM_MAX_AGE_SECONDS = 24 * 60 * 60


def min_fill_seconds() -> int:
    return getattr(settings, "SPAM_MIN_FILL_SECONDS", 3)


def form_started_token(*, at: float | None = None) -> str:
    """A signed "the form was shown at this moment" token for the hidden field."""
    return signing.dumps(int(time.time() if at is None else at), salt=FORM_STARTED_SALT)


class SpamProtectionMixin:
    """Mix into any form: adds a honeypot and a signed start time, and ``clean()`` rejects bots.

    Put it first among the bases (``class MyForm(SpamProtectionMixin, forms.Form)``).
    Templates render ``form_started`` as a hidden field and ``hp_contact`` inside
    a wrapper with ``d-none`` and ``aria-hidden="true"`` (no inline style: CSP).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.spam_protection:
            return
        self.fields["form_started"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=form_started_token()
        )
        self.fields["hp_contact"] = forms.CharField(
            label=_("Bitte dieses Feld leer lassen"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    spam_error = _("Das hat leider nicht geklappt. Bitte senden Sie das Formular noch einmal.")
    # False for forms only staff see (a coordinator typing in a phone call): no honeypot, no timer.
    spam_protection = True

    def _renew_started(self) -> None:
        # Re-rendered with a fresh timestamp, so the next submission can pass.
        self.data = self.data.copy()
        self.data[self.add_prefix("form_started")] = form_started_token()

    def clean(self):
        cleaned = super().clean()
        if not self.spam_protection:
            return cleaned
        if cleaned.get("hp_contact"):
            raise forms.ValidationError(self.spam_error, code="honeypot")
        try:
            started = signing.loads(cleaned.get("form_started") or "", salt=FORM_STARTED_SALT)
        except signing.BadSignature:
            started = None
        if not isinstance(started, int):
            self._renew_started()
            raise forms.ValidationError(self.spam_error, code="tampered")
        age = time.time() - started
        if age > FORM_MAX_AGE_SECONDS:
            self._renew_started()
            raise forms.ValidationError(
                _("Das Formular war sehr lange offen. Bitte prüfen Sie Ihre Angaben und senden Sie es noch einmal."),
                code="expired",
            )
        if age < min_fill_seconds():
            raise forms.ValidationError(
                _("Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular noch einmal."),
                code="too_fast",
            )
        return cleaned


class SpamProtectedForm(SpamProtectionMixin, forms.Form):
    """A plain form with the spam checks, for forms that are not ModelForms."""


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_key(*, request: HttpRequest, scope: str) -> str:
    digest = salted_hmac("core.spam.rate-limit", client_ip(request)).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def rate_limit_reached(*, request: HttpRequest, scope: str, limit: int) -> bool:
    """True if this client already used up ``scope``'s ``limit``; counts nothing.

    Check it before handling a submission and call ``rate_limit_count`` once one is
    accepted, so a person who corrects form errors is not locked out by their mistakes.
    """
    return (cache.get(_rate_key(request=request, scope=scope)) or 0) >= limit


def rate_limit_count(*, request: HttpRequest, scope: str, period_seconds: int) -> int:
    """Count one accepted submission of this client in ``scope``; returns the count in the current window.

    The window starts with the first counted submission (a fixed window, not sliding).
    """
    key = _rate_key(request=request, scope=scope)
    if cache.add(key, 1, timeout=period_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=period_seconds)
        return 1


def rate_limit_hit(*, request: HttpRequest, scope: str, limit: int, period_seconds: int) -> bool:
    """Count one attempt of this client in ``scope``; True once more than ``limit`` happened in the period.

    For actions where every attempt counts; forms use ``rate_limit_reached`` and ``rate_limit_count``.
    """
    return rate_limit_count(request=request, scope=scope, period_seconds=period_seconds) > limit
