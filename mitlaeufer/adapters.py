import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from core.outbox import address_owner, outbox_store
from directory.choices import InitiativeState
from directory.models import InitiativeStaff


def home_of(user) -> str:
    """Where a signed-in person belongs: their initiative's area, the admin, or their volunteer profile."""
    if InitiativeStaff.objects.filter(user=user, initiative__state=InitiativeState.PUBLISHED).exists():
        return reverse("initiative:list")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("volunteers:profile")


class AccountAdapter(DefaultAccountAdapter):
    """After login, go where the person works (an explicit ?next= still wins, as allauth handles it)."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Allauth's mails (confirmation, password reset, …) go through the outbox like every other mail.

        Written in the request's transaction and sent after it commits, so a mail server
        that is down means a retry, not an error page. The body holds a login link:
        ``sensitive`` hides it in the admin and blanks it once sent.
        """
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        outbox_store(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            subject=message.subject,
            body=message.body,
            to=message.to,
            about=[address_owner(email)],  # erasing the account deletes it (volunteers.services.volunteer_erase)
            sensitive=True,
        )

    def get_login_redirect_url(self, request) -> str:
        return home_of(request.user)
