"""What the directory stores, for the register in ``core.privacy``.

Offices are public places, except one thing: an office a person typed in
("Mein Amt ist nicht dabei") is their free text until a coordinator verifies it.
The request purge empties its name and street once no live request uses it.
"""

from django.utils.translation import gettext_lazy as _

from core.privacy import OPERATIONS, Entry, Erase, Retention, Section, register

INITIATIVES = Section("initiatives", _("Wenn Sie eine Initiative eintragen"), order=30)

register(
    Entry(
        model="directory.Office",
        section=OPERATIONS,
        purpose=_("die Ämter, zu denen wir begleiten; ein Amt, das Sie selbst eingetragen haben, bis wir es prüfen"),
        recipients=_("alle; ein selbst eingetragenes Amt nur unser Koordinationsteam"),
        retention=Retention(
            "request_erased",
            _("geprüfte Ämter dauerhaft; ein selbst eingetragenes Amt, bis Ihre Angaben gelöscht werden"),
            "REQUEST_RETENTION_DAYS",
        ),
        personal_text=("name", "street"),
        not_personal=(
            "id",
            "kind",
            "postal_code",
            "city",
            "latitude",
            "longitude",
            "verified",
            "created_at",
            "updated_at",
        ),
        erase=Erase.KEEP,  # emptied by the request purge while unverified and unused (matching.requests.purge)
    ),
    Entry(
        model="directory.Initiative",
        section=INITIATIVES,
        purpose=_("der öffentliche Eintrag Ihrer Initiative und wie wir die verantwortliche Person erreichen"),
        recipients=_("alle den Eintrag; die Kontaktadresse nur unser Koordinationsteam"),
        retention=Retention("initiative_deleted", _("bis der Eintrag gelöscht wird")),
        personal=("email", "phone", "contact_email", "contact_language"),
        not_personal=(
            "id",
            "name",
            "slug",
            "description",
            "services",
            "languages",
            "street",
            "postal_code",
            "city",
            "latitude",
            "longitude",
            "reach",
            "radius_km",
            "website",
            "opening_hours",
            "accessibility",
            "state",
            "published_at",
            "last_confirmed_at",
            "reminded_at",
            "link_version",
            "created_at",
            "updated_at",
        ),
    ),
    Entry(
        model="directory.InitiativeStaff",
        section=INITIATIVES,
        purpose=_("wer für eine Initiative Anfragen stellen darf"),
        recipients=_("nur unser Koordinationsteam"),
        retention=Retention("account_deleted", _("bis das Konto gelöscht wird")),
        pseudonymous=("id", "user"),
        not_personal=("initiative", "created_at"),
        erase=Erase.CASCADE,
    ),
)
