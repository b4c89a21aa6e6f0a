"""What matching stores about people asking for an escort and about escorts, for the register in ``core.privacy``.

Owners: "request" (the person asking: erased ``REQUEST_RETENTION_DAYS`` after
the appointment or a cancellation, or at once when they ask) and "volunteer"
(their escorts and what they wrote, in their export).
"""

from django.utils.translation import gettext_lazy as _

from core.bitmask import labels_from_mask
from core.privacy import OPERATIONS, Entry, Erase, Retention, Section, register
from directory.choices import InitiativeService, Language
from volunteers.privacy import VOLUNTEERS

REQUESTS = Section("requests", _("Wenn Sie eine Begleitung anfragen"), order=20)

AFTER_REQUEST = Retention(
    "request_ended",
    _(
        "%(days)s Tage nach dem Termin oder nach einer Absage, oder sofort, wenn Sie es auf Ihrer Seite verlangen; "
        "danach bleiben nur anonyme Zahlen (welches Amt, welcher Tag, ob es stattgefunden hat)"
    ),
    "REQUEST_RETENTION_DAYS",
)
TEAM = _("unser Koordinationsteam")

register(
    Entry(
        model="matching.AccompanimentRequest",
        section=REQUESTS,
        purpose=_("damit wir eine Begleitung finden und Ihnen Bescheid geben können"),
        recipients=_(
            "unser Koordinationsteam; Ihren Vornamen, Ihre Kontaktdaten und Ihre Hinweise bekommt nur die Person, "
            "die Sie begleitet, nachdem sie zugesagt hat"
        ),
        retention=AFTER_REQUEST,
        personal=(
            "first_name",
            "email",
            "phone",
            "preferred_contact",
            "languages",
            "needs_language",
            "preferred_gender",
            "purpose",
            "language",
            "counselling_services",
        ),
        # Internal notes and the reason for a call are the coordinators' words about the person.
        personal_text=("accessibility", "message", "internal_notes", "call_reason"),
        pseudonymous=("id", "token", "filed_by", "owner", "consent_recorded_by"),
        not_personal=(
            "status",
            "office",
            "starts_at",
            "duration_minutes",
            "filed_by_initiative",
            "client_consent_recorded_at",
            "contact_via_initiative",
            "consent_given_at",
            "privacy_policy_version",
            "created_at",
            "updated_at",
            "cancelled_at",
            "calendar_sequence",
            "proposals_run_at",
            "personal_data_erased_at",
            "intake_channel",
            "call_needed_since",
        ),
        owners={"request": "pk"},
        erase=Erase.BLANK,
        secret=("token",),
        formatters={
            "languages": lambda mask: labels_from_mask(mask, Language),
            "counselling_services": lambda mask: labels_from_mask(mask, InitiativeService),
        },
    ),
    Entry(
        model="matching.Referral",
        section=REQUESTS,
        purpose=_("an welche Beratungsstelle wir Sie vermittelt haben"),
        recipients=TEAM,
        retention=AFTER_REQUEST,
        personal_text=("note",),
        pseudonymous=("id", "request", "created_by"),
        not_personal=("initiative", "outcome", "created_at", "updated_at"),
        owners={"request": "request"},
        erase=Erase.BLANK,
    ),
    Entry(
        model="matching.CallLog",
        section=REQUESTS,
        purpose=_("wann wir Sie angerufen haben und was wir besprochen haben"),
        recipients=TEAM,
        retention=AFTER_REQUEST,
        personal_text=("note",),
        pseudonymous=("id", "request", "called_by"),
        not_personal=("called_at", "reached"),
        owners={"request": "request"},
        erase=Erase.BLANK,
    ),
    Entry(
        model="matching.Proposal",
        section=REQUESTS,
        purpose=_("welche Mitläufer*innen für eine Anfrage passen und warum (zum Beispiel gemeinsame Sprachen)"),
        recipients=TEAM,
        retention=AFTER_REQUEST,
        personal_text=("reasons",),
        pseudonymous=("id", "request", "volunteer"),
        not_personal=("rank", "distance_km", "recent_matches", "last_match_at", "created_at"),
        owners={"request": "request", "volunteer": "volunteer"},
        erase=Erase.DELETE,
    ),
    Entry(
        model="matching.Match",
        section=VOLUNTEERS,
        purpose=_("welche Begleitungen Sie angefragt, zugesagt oder abgesagt haben und wie sie ausgingen"),
        recipients=TEAM,
        retention=AFTER_REQUEST,
        personal_text=("decline_reason", "refusal_said"),
        pseudonymous=("id", "request", "volunteer", "token"),
        not_personal=(
            "refused_by_office",
            "refusal_followed_up_at",
            "ask_reminder_sent_at",
            "status",
            "starts_at",
            "ends_at",
            "blocked_from",
            "blocked_until",
            "outcome",
            "calendar_sequence",
            "invitation_sent_at",
            "confirmation_sent_at",
            "reminder_sent_at",
            "feedback_requested_at",
            "created_at",
            "decided_at",
        ),
        owners={"request": "request", "volunteer": "volunteer"},
        erase=Erase.BLANK,
        secret=("token",),
    ),
    Entry(
        model="matching.MatchEvent",
        section=VOLUNTEERS,
        purpose=_("der Verlauf jeder Begleitung: wer wann was geändert hat"),
        recipients=TEAM,
        retention=AFTER_REQUEST,
        personal_text=("note",),
        pseudonymous=("id", "match", "actor"),
        not_personal=("kind", "actor_role", "created_at"),
        owners={"request": "match__request", "volunteer": "match__volunteer"},
        erase=Erase.BLANK,
    ),
    Entry(
        model="matching.OfficeDistance",
        section=OPERATIONS,
        purpose=_("Entfernungen zwischen Ämtern und Postleitzahlen"),
        recipients=TEAM,
        retention=Retention("software", _("solange die Software läuft")),
        not_personal=("id", "office", "postal_code", "km", "km_ceil"),
    ),
    Entry(
        model="matching.OfficeIndexState",
        section=OPERATIONS,
        purpose=_("Entfernungen zwischen Ämtern und Postleitzahlen"),
        recipients=TEAM,
        retention=Retention("software", _("solange die Software läuft")),
        not_personal=("office", "postal_code", "built_at"),
    ),
)
