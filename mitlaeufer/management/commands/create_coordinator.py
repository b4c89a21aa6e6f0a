"""Create the first (or another) coordinator and print a one-time link to set the password.

``createsuperuser`` leaves an account whose address allauth has never seen verified, so the
login (mandatory verification) waits for a confirmation mail. This command stores the address
as verified and prints allauth's own password-reset link instead of asking for a password on
the server's console: the coordinator chooses it in the browser, and the link stops working
once used (the token covers the password hash) or after PASSWORD_RESET_TIMEOUT.

    python manage.py create_coordinator koordination@example.org

Run it again for an existing address to make that account a coordinator and get a fresh link.
"""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse


def coordinator_create(*, email: str, superuser: bool = True):
    """The staff account for ``email`` with a verified primary address; (user, created)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(username=email[:150], email=email)
        user.set_unusable_password()
    user.is_staff = True
    user.is_active = True
    user.is_superuser = user.is_superuser or superuser
    user.save()
    address, _ = EmailAddress.objects.get_or_create(user=user, email__iexact=email, defaults={"email": email})
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
    address.verified = True
    address.primary = True
    address.save()
    return user, created


def set_password_url(user) -> str:
    """allauth's reset-from-key link for ``user``, absolute on SITE_URL."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL + path


class Command(BaseCommand):
    help = "Creates a coordinator (staff, verified e-mail) and prints a one-time link to set the password."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--staff-only",
            action="store_true",
            help="Staff without superuser rights; give them permissions or groups in the admin.",
        )

    def handle(self, *args, email: str, staff_only: bool, **options) -> None:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an e-mail address: {email!r}")
        with transaction.atomic():
            user, created = coordinator_create(email=email, superuser=not staff_only)
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(self.style.SUCCESS(f"{'Created' if created else 'Updated'} coordinator {email}."))
        self.stdout.write(f"One-time link to set the password (valid {hours} hours, give it only to them):")
        self.stdout.write(set_password_url(user))
