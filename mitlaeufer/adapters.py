from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

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

    def get_login_redirect_url(self, request) -> str:
        return home_of(request.user)
