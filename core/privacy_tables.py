"""Register entries for core's own table and for Django's and third-party tables no app of ours declares.

Imported by ``core.privacy`` when the register is first read (it is not an
app's ``privacy`` module, because these tables belong to no app of ours).
"""

from django.utils.translation import gettext_lazy as _

from core.privacy import OPERATIONS, Entry, Erase, FieldClass, Retention, register

COORDINATORS = _("nur unser Koordinationsteam")

register(
    Entry(
        model="core.DeferredTask",
        section=OPERATIONS,
        purpose=_("Aufgaben, die wir wegen einer Störung später erledigen"),
        recipients=_("niemand; nur Nummern, keine Namen"),
        retention=Retention("task_relayed", _("bis die Aufgabe erledigt ist, meist wenige Minuten")),
        pseudonymous=("id", "kwargs"),
        not_personal=("task_name", "created_at"),
        erase=Erase.DELETE,
    ),
    Entry(
        model="core.OutgoingMail",
        section=OPERATIONS,
        purpose=_("E-Mails, die wir verschicken: gespeichert, bis sie sicher angekommen sind"),
        recipients=_("unser Koordinationsteam und unser E-Mail-Anbieter"),
        retention=Retention(
            "mail_sent",
            _("bis %(days)s Tage nach dem Versand; nicht zustellbare höchstens 30 Tage"),
            days_setting="OUTBOX_SENT_KEEP_DAYS",
        ),
        personal=("to", "bcc"),
        personal_text=("subject", "body", "attachments"),
        pseudonymous=("id", "key", "about"),
        not_personal=(
            "status",
            "attempts",
            "next_attempt_at",
            "lease_until",
            "last_error",
            "sensitive",
            "created_at",
            "sent_at",
        ),
        secret=("body",),  # may hold a login link
        erase=Erase.KEEP,  # deleted by core.outbox.outbox_purge on its own schedule
    ),
    Entry(
        model="sessions.Session",
        section=OPERATIONS,
        purpose=_("damit Sie angemeldet bleiben und Formulare geschützt sind"),
        recipients=_("niemand; nur Ihr Browser hält den Schlüssel"),
        retention=Retention("session_end", _("bis Sie sich abmelden, höchstens zwei Wochen")),
        pseudonymous=("session_key", "session_data"),
        not_personal=("expire_date",),
    ),
    Entry(
        model="admin.LogEntry",
        section=OPERATIONS,
        purpose=_("damit nachvollziehbar ist, wer im Koordinationsbereich was geändert hat"),
        recipients=COORDINATORS,
        retention=Retention(
            "subject_erased",
            _("solange die geänderte Angabe besteht; beim Löschen der Angabe wird der Eintrag geleert"),
        ),
        pseudonymous=("id", "user", "object_id"),
        personal_text=("object_repr", "change_message"),
        not_personal=("action_time", "content_type", "action_flag"),
        erase=Erase.KEEP,  # emptied by the purge and the account erasure for the rows they erase
    ),
    # The audit trail (django-auditlog): who changed or opened a request, a match or a volunteer, and the values.
    Entry(
        model="auditlog.LogEntry",
        section=OPERATIONS,
        purpose=_("damit nachvollziehbar ist, wer im Koordinationsbereich was geändert oder eingesehen hat"),
        recipients=COORDINATORS,
        retention=Retention(
            "subject_erased",
            _("solange die geänderte Angabe besteht; beim Löschen der Angabe werden die Werte geleert"),
        ),
        pseudonymous=("id", "actor", "object_pk", "object_id", "cid", "actor_email"),
        personal_text=("object_repr", "changes_text"),
        personal=("changes", "serialized_data", "additional_data", "remote_addr", "remote_port"),
        not_personal=("timestamp", "content_type", "action"),
        erase=Erase.KEEP,  # emptied by the purge and the account erasure for the rows they erase
    ),
    # The coordinators' second factor (allauth.mfa): the TOTP secret and hashed recovery codes.
    Entry(
        model="mfa.Authenticator",
        section=OPERATIONS,
        purpose=_("die Zwei-Faktor-Anmeldung des Koordinationsteams"),
        recipients=_("niemand"),
        retention=Retention("account_deleted", _("bis das Konto gelöscht wird")),
        pseudonymous=("id", "user", "data"),
        not_personal=("type", "created_at", "last_used_at"),
        erase=Erase.CASCADE,
    ),
    # Which coordinator may do what: the user id only.
    Entry(
        model="auth.User_groups",
        section=OPERATIONS,
        purpose=_("Rechte des Koordinationsteams"),
        recipients=COORDINATORS,
        retention=Retention("account_deleted", _("bis das Konto gelöscht wird")),
        all_fields=FieldClass.PSEUDONYMOUS,
        erase=Erase.CASCADE,
    ),
    Entry(
        model="auth.User_user_permissions",
        section=OPERATIONS,
        purpose=_("Rechte des Koordinationsteams"),
        recipients=COORDINATORS,
        retention=Retention("account_deleted", _("bis das Konto gelöscht wird")),
        all_fields=FieldClass.PSEUDONYMOUS,
        erase=Erase.CASCADE,
    ),
)

# Tables that describe the software, not people.
_NOTHING_PERSONAL = _("Einstellungen der Software")
for _label in (
    "contenttypes.ContentType",
    "auth.Permission",
    "auth.Group",
    "auth.Group_permissions",
    "django_celery_beat.SolarSchedule",
    "django_celery_beat.IntervalSchedule",
    "django_celery_beat.ClockedSchedule",
    "django_celery_beat.CrontabSchedule",
    "django_celery_beat.PeriodicTasks",
    "django_celery_beat.PeriodicTask",
):
    register(
        Entry(
            model=_label,
            section=OPERATIONS,
            purpose=_NOTHING_PERSONAL,
            recipients=COORDINATORS,
            retention=Retention("software", _("solange die Software läuft")),
            all_fields=FieldClass.NOT_PERSONAL,
        )
    )
