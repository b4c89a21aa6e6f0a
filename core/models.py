from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeferredTask(models.Model):
    """A task that could not be queued because the broker was unreachable.

    Only a task name and id arguments (never personal data, as in every task's
    arguments). ``core.tasks.deferred_tasks_relay`` queues it again once the
    broker answers.
    """

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "zurückgestellte Aufgabe"
        verbose_name_plural = "zurückgestellte Aufgaben"

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class OutgoingMail(models.Model):
    """One outgoing mail, written in the transaction of the change that causes it (see ``core.outbox``).

    ``key`` names the mail (``match-invitation:12``), so enqueueing it twice is a
    no-op. ``last_error`` holds only an exception's class name, never an address.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("gescheitert")

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    # Whose data the mail holds, " request:12 volunteer:5 ": an erasure deletes their mails (outbox_forget).
    about = models.CharField(_("betrifft"), max_length=200, blank=True)
    to = models.JSONField(_("an"), default=list, blank=True)
    bcc = models.JSONField(_("Blindkopie an"), default=list, blank=True)
    subject = models.CharField(_("Betreff"), max_length=300)
    body = models.TextField(_("Text"))
    # [{"name": …, "content": …, "mime": …}]: text attachments such as the calendar file.
    attachments = models.JSONField(_("Anhänge"), default=list, blank=True)
    status = models.CharField(_("Stand"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), default=timezone.now)
    lease_until = models.DateTimeField(_("in Arbeit bis"), null=True, blank=True)
    last_error = models.CharField(_("letzter Fehler"), max_length=100, blank=True)
    # The body holds a login secret (confirmation or password-reset link): hidden in the admin, blanked once sent.
    sensitive = models.BooleanField(_("enthält einen Anmeldelink"), default=False)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("gesendet"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ausgehende E-Mail")
        verbose_name_plural = _("ausgehende E-Mails")
        indexes = [
            # The relay's scan: due pending rows and expired leases, nothing else.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_due",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key.split(':')[0]} #{self.pk}"
