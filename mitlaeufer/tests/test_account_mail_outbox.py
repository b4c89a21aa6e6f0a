"""Allauth's mails go through the outbox: a mail server that is down is a retry, not an error page."""

import datetime
import socket

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingMail
from core.outbox import outbox_relay
from volunteers.tests.conftest import signup_form_data

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_sign_up_while_the_mail_server_is_down_works_and_its_link_goes_out_later_and_is_then_forgotten(
    client, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mitmachen/", signup_form_data())
    assert (response.status_code, response.url) == (302, "/konto/confirm-email/")
    row = OutgoingMail.objects.get()
    assert (row.status, row.last_error, row.sensitive, row.to) == (
        "pending",
        "ConnectionRefusedError",
        True,
        ["anna@beispiel.de"],
    )
    assert "/konto/confirm-email/" in row.body
    # Coordinators see that it waits, never the link (it would open someone else's account).
    page = admin_client.get(reverse("admin:core_outgoingmail_change", args=[row.pk])).content.decode()
    assert "verborgen: enthält einen Anmeldelink" in page
    assert "/konto/confirm-email/" not in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    outbox_relay.apply()
    (message,) = mail.outbox
    assert message.to == ["anna@beispiel.de"] and "/konto/confirm-email/" in message.body
    assert message.subject.startswith("[Mitläufer]")
    row.refresh_from_db()
    assert (row.status, row.body) == ("sent", "")
