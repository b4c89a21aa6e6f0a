"""A second factor for every coordinator: the admin opens only after TOTP (or a recovery code).

allauth's MFA does the enrolment and the login challenge. What it does not do is
require a factor, so ``StaffMfaMiddleware`` does: a staff user who opens the
admin without an authenticator is sent to set one up, and a session that was not
signed in with the second factor (a login before enrolment, a session from
elsewhere) must sign in again. Turned off only by ``ADMIN_REQUIRE_MFA=false``
(the test settings do, except in the MFA tests).
"""

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.signals import authenticator_added
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class MfaAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # segno is already in use for the callers' confirmation; one QR library is enough.
        import io

        import segno

        # A standalone SVG document (with its namespace): allauth shows it as a data: URI image.
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
        return buffer.getvalue().decode()


@receiver(authenticator_added, dispatch_uid="mitlaeufer-mfa-enrolled")
def _enrolled(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up TOTP proves the second factor (a valid code was entered) for this session."""
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


def session_used_mfa(request: HttpRequest) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class StaffMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.ADMIN_REQUIRE_MFA
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
        ):
            if not is_mfa_enabled(user):
                messages.warning(request, _("Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein."))
                return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
            if not session_used_mfa(request):
                logout(request)
                messages.warning(request, _("Bitte melden Sie sich mit Ihrem zweiten Faktor an."))
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
