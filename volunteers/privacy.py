"""What the Mitläuferliste stores about volunteers, for the register in ``core.privacy``.

Everything here belongs to one owner, the volunteer (lookup paths to their id),
and goes when their account is deleted: at once on request, or
``VOLUNTEER_WITHDRAWN_DAYS`` after they withdrew their consent.
"""

from django.utils.translation import gettext_lazy as _

from core.bitmask import labels_from_mask
from core.privacy import Entry, Erase, Retention, Section, register
from directory.choices import Language, OfficeKind
from volunteers.choices import DayPart, Weekday, availability_position

VOLUNTEERS = Section("volunteers", _("Wenn Sie mitmachen (Mitläuferliste)"), order=10)

UNTIL_ERASED = Retention(
    "volunteer_erased",
    _(
        "bis Sie Ihr Konto löschen; nach einem Widerruf der Einwilligung löschen wir nach %(days)s Tagen, "
        "wenn Sie nicht wieder einwilligen"
    ),
    "VOLUNTEER_WITHDRAWN_DAYS",
)
TEAM = _("nur unser Koordinationsteam")
TEAM_ESCORTED_AND_LIST = _(
    "unser Koordinationsteam; die Person, die Sie begleiten, erfährt Ihren Vornamen, nachdem Sie zugesagt haben; "
    "wenn Sie es in Ihrem Profil einschalten, zeigt die öffentliche Mitläuferliste allen Ihren Vornamen, die ersten "
    "drei Ziffern Ihrer Postleitzahl und Ihre Sprachen"
)


def availability_labels(mask: int) -> list[str]:
    cells = [(day, part) for day in Weekday for part in DayPart]
    return [f"{day.label}, {part.label}" for day, part in cells if mask & (1 << availability_position(day, part))]


register(
    Entry(
        model="auth.User",
        section=VOLUNTEERS,
        purpose=_("Ihre Anmeldung und wie wir Sie per E-Mail erreichen"),
        recipients=TEAM,
        retention=UNTIL_ERASED,
        personal=("username", "first_name", "last_name", "email", "last_login", "date_joined"),
        pseudonymous=("id", "password"),
        not_personal=("is_superuser", "is_staff", "is_active"),
        owners={"volunteer": "volunteer"},
        erase=Erase.CASCADE,
        secret=("password",),
    ),
    Entry(
        model="account.EmailAddress",
        section=VOLUNTEERS,
        purpose=_("Ihre bestätigte E-Mail-Adresse"),
        recipients=TEAM,
        retention=UNTIL_ERASED,
        personal=("email",),
        pseudonymous=("id", "user"),
        not_personal=("verified", "primary"),
        owners={"volunteer": "user__volunteer"},
        erase=Erase.CASCADE,
    ),
    Entry(
        model="account.EmailConfirmation",
        section=VOLUNTEERS,
        purpose=_("der Link, mit dem Sie Ihre E-Mail-Adresse bestätigen"),
        recipients=_("niemand"),
        retention=UNTIL_ERASED,
        pseudonymous=("id", "email_address", "key"),
        not_personal=("created", "sent"),
        owners={"volunteer": "email_address__user__volunteer"},
        erase=Erase.CASCADE,
        secret=("key",),
    ),
    Entry(
        model="volunteers.Volunteer",
        section=VOLUNTEERS,
        purpose=_(
            "damit wir Sie fragen können, ob Sie jemanden in Ihrer Nähe begleiten, und, nur wenn Sie es wünschen, "
            "um Sie auf der öffentlichen Mitläuferliste zu zeigen"
        ),
        recipients=TEAM_ESCORTED_AND_LIST,
        retention=UNTIL_ERASED,
        personal=(
            "display_name",
            "postal_code",
            "radius_km",
            "availability",
            "languages",
            "office_kinds",
            "phone",
            "gender",
            "knows_social_law",
            "language",
            "is_active",
            "paused_until",
            "briefed_at",
            "listed_publicly",
            "listed_since",
            "created_at",
            "updated_at",
        ),
        pseudonymous=("id", "user", "calendar_token"),
        owners={"volunteer": "pk"},
        erase=Erase.CASCADE,
        secret=("calendar_token",),
        formatters={
            "availability": availability_labels,
            "languages": lambda mask: labels_from_mask(mask, Language),
            "office_kinds": lambda mask: labels_from_mask(mask, OfficeKind),
        },
    ),
    Entry(
        model="volunteers.Absence",
        section=VOLUNTEERS,
        purpose=_("an welchen Tagen wir Sie nicht fragen"),
        recipients=TEAM,
        retention=UNTIL_ERASED,
        personal=("starts_on", "ends_on"),
        pseudonymous=("id", "volunteer"),
        owners={"volunteer": "volunteer"},
        erase=Erase.CASCADE,
    ),
    Entry(
        model="volunteers.Consent",
        section=VOLUNTEERS,
        purpose=_("der Nachweis Ihrer Einwilligung und welcher Fassung dieser Seite Sie zugestimmt haben"),
        recipients=TEAM,
        retention=UNTIL_ERASED,
        personal=("given_at", "withdrawn_at"),
        pseudonymous=("id", "volunteer"),
        not_personal=("policy_version",),
        owners={"volunteer": "volunteer"},
        erase=Erase.CASCADE,
    ),
)
