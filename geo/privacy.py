"""Postal codes, their coordinates and the regions are public geography, for the register in ``core.privacy``.

Only which coordinator looks after which region points at a person (their user id).
"""

from django.utils.translation import gettext_lazy as _

from core.privacy import OPERATIONS, Entry, Erase, Retention, register

register(
    Entry(
        model="geo.PostalCode",
        section=OPERATIONS,
        purpose=_("Entfernungen zwischen Postleitzahlen"),
        recipients=_("alle; öffentliche Daten"),
        retention=Retention("software", _("solange die Software läuft")),
        not_personal=("code", "latitude", "longitude", "region"),
    ),
    Entry(
        model="geo.Region",
        section=OPERATIONS,
        purpose=_("Regionen der Koordination"),
        recipients=_("alle; öffentliche Daten"),
        retention=Retention("software", _("solange die Software läuft")),
        not_personal=("id", "name", "slug", "prefixes"),
    ),
    Entry(
        model="geo.Region_coordinators",
        section=OPERATIONS,
        purpose=_("Welche Koordinator*innen für welche Region zuständig sind"),
        recipients=_("das Koordinationsteam"),
        retention=Retention("account_deleted", _("bis das Konto gelöscht wird")),
        pseudonymous=("id", "region", "user"),
        erase=Erase.CASCADE,
    ),
)
