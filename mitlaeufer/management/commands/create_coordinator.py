"""Create the first (or another) coordinator and print a one-time link to set the password.

``createsuperuser`` leaves an account whose address allauth has never seen verified, so the
login (mandatory verification) waits for a confirmation mail. This command stores the address
as verified and prints allauth's own password-reset link instead of asking for a password on
the server's console: the coordinator chooses it in the browser, and the link stops working
once used (the token covers the password hash) or after PASSWORD_RESET_TIMEOUT.

    python manage.py create_coordinator koordination@example.org

Run it again for an existing address to make that account a coordinator and get a fresh link.

    python manage.py create_coordinator berlin@example.org --region berlin

makes a regional coordinator: staff without superuser rights (a superuser always sees all of
Germany), in the group "Koordination" with the permissions a coordinator's work needs, and assigned
to the region (repeat ``--region`` for more). The admin then shows them only their regions.
"""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from geo.models import Region

COORDINATOR_GROUP = "Koordination"
# What a coordinator's work needs ("app.model": actions). Deliberately nothing of user accounts, the audit
# trail, the outbox or the scheduler: those are for national coordinators (superusers), see geo.admin_scope.
COORDINATOR_PERMISSIONS = {
    "matching.accompanimentrequest": ("view", "change"),
    "matching.match": ("view", "change"),
    "matching.referral": ("view", "add", "change"),
    "matching.calllog": ("view", "add"),
    "matching.matchevent": ("view",),
    "volunteers.volunteer": ("view", "change"),
    "volunteers.consent": ("view",),
    "volunteers.absence": ("view", "add", "change", "delete"),
    "directory.office": ("view", "add", "change"),
    "directory.initiative": ("view", "add", "change"),
    "directory.initiativestaff": ("view",),
    "geo.region": ("view",),
    "geo.postalcode": ("view",),
}


def coordinator_group_ensure() -> Group:
    """The group "Koordination" with exactly ``COORDINATOR_PERMISSIONS``."""
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    wanted = Q(pk__in=[])
    for label, actions in COORDINATOR_PERMISSIONS.items():
        app_label, model = label.split(".")
        codenames = [f"{action}_{model}" for action in actions]
        wanted |= Q(content_type__app_label=app_label, content_type__model=model, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


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
            "--region",
            action="append",
            default=[],
            metavar="SLUG",
            help="A regional coordinator of this region (repeat for more); implies --staff-only.",
        )
        parser.add_argument(
            "--staff-only",
            action="store_true",
            help="Staff without superuser rights; give them permissions or groups in the admin.",
        )

    def handle(self, *args, email: str, staff_only: bool, region: list[str], **options) -> None:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an e-mail address: {email!r}")
        regions = list(Region.objects.filter(slug__in=region))
        unknown = sorted(set(region) - {r.slug for r in regions})
        if unknown:
            raise CommandError(f"Unknown region: {', '.join(unknown)} (see python manage.py load_regions)")
        with transaction.atomic():
            user, created = coordinator_create(email=email, superuser=not (staff_only or regions))
            if regions:
                user.is_superuser = False
                user.save(update_fields=["is_superuser"])
                user.groups.add(coordinator_group_ensure())
                user.coordinated_regions.add(*regions)
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(self.style.SUCCESS(f"{'Created' if created else 'Updated'} coordinator {email}."))
        if regions:
            self.stdout.write(f"Regional coordinator of: {', '.join(r.name for r in regions)}.")
        self.stdout.write(f"One-time link to set the password (valid {hours} hours, give it only to them):")
        self.stdout.write(set_password_url(user))
