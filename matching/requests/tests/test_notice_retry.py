"""A request's mails go through the outbox: one refused by a passing SMTP error is sent later, the other once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutgoingMail
from core.outbox import outbox_relay
from matching.requests.tests.helpers import make_request
from testing.mail import FlakyEmailBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "testing.mail.FlakyEmailBackend"
    settings.COORDINATOR_EMAILS = ["koordination@beispiel.de"]
    FlakyEmailBackend.attempts = 0
    yield FlakyEmailBackend
    FlakyEmailBackend.refuse = set()


def test_the_mail_that_failed_is_sent_later_and_the_one_that_went_out_is_not_repeated(
    flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.refuse = {2}  # the person's mail goes out, the coordinators' mail is refused once
    with django_capture_on_commit_callbacks(execute=True):
        escort_request = make_request(email="ayse@beispiel.de")
    assert [message.to for message in mail.outbox] == [["ayse@beispiel.de"]]
    keys = dict(OutgoingMail.objects.values_list("key", "status"))
    assert sorted(keys.values()) == ["pending", "sent"]
    assert all(key.startswith(f"request-notice:{escort_request.pk}:created:") for key in keys)

    OutgoingMail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    outbox_relay.apply()
    outbox_relay.apply()
    assert [(message.to, message.bcc) for message in mail.outbox] == [
        (["ayse@beispiel.de"], []),
        ([], ["koordination@beispiel.de"]),
    ]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
