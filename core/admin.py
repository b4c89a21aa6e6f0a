"""The outbox in the coordinators' admin: what went out, what failed, and "send again"."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import OutgoingMail
from core.outbox import outbox_failed_count, outbox_send_again


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "attempts", "last_error", "created_at", "sent_at", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    list_per_page = 50
    fields = [
        "key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "lease_until",
        "sent_at",
        "to",
        "bcc",
        "subject",
        "shown_body",
    ]
    readonly_fields = fields

    @admin.display(description=_("Text"))
    def shown_body(self, mail: OutgoingMail) -> str:
        # A password-reset link in a coordinator's view would hand over someone else's account.
        if mail.sensitive:
            return _("(verborgen: enthält einen Anmeldelink oder eine weitergeleitete Nachricht)")
        return mail.body

    @admin.display(description=_("Art"), ordering="key")
    def kind(self, mail: OutgoingMail) -> str:
        return mail.key.split(":")[0]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        failed = outbox_failed_count()
        if failed and request.method == "GET":
            self.message_user(
                request,
                ngettext(
                    "%(count)d E-Mail konnte nicht gesendet werden. Filter „gescheitert“, dann „Erneut senden“.",
                    "%(count)d E-Mails konnten nicht gesendet werden. Filter „gescheitert“, dann „Erneut senden“.",
                    failed,
                )
                % {"count": failed},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Erneut senden"), permissions=["view"])
    def send_again(self, request, queryset) -> None:
        count = outbox_send_again(mail_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d E-Mail wird erneut gesendet.", "%(count)d E-Mails werden erneut gesendet.", count)
            % {"count": count},
            messages.SUCCESS,
        )
