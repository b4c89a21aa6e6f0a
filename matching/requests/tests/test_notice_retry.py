"""A mail that failed on a passing SMTP error is sent by the retry; the one that went out is not repeated."""

import time

import pytest
from django.core import mail
from django.core.cache import cache

from core.mail import MailDeliveryError, MailInFlight
from matching.requests.notices import Event, request_notify
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


def test_the_retry_sends_the_mail_that_failed_and_only_that_one(flaky_mail):
    escort_request = make_request(email="ayse@beispiel.de")
    mail.outbox.clear()
    flaky_mail.attempts = 0
    flaky_mail.refuse = {2}  # the person's mail goes out, the coordinators' mail is refused once

    with pytest.raises(MailDeliveryError):
        request_notify(request_id=escort_request.pk, event=Event.CREATED)
    assert [message.to for message in mail.outbox] == [["ayse@beispiel.de"]]

    # What Celery's retry does: the same task again.
    assert request_notify(request_id=escort_request.pk, event=Event.CREATED) == 1
    assert [(message.to, message.bcc) for message in mail.outbox] == [
        (["ayse@beispiel.de"], []),
        ([], ["koordination@beispiel.de"]),
    ]
    # A third delivery of the task sends nothing.
    assert request_notify(request_id=escort_request.pk, event=Event.CREATED) == 0
    assert len(mail.outbox) == 2


def test_a_mail_refused_on_its_first_try_is_not_lost(flaky_mail):
    escort_request = make_request(email="ayse@beispiel.de")
    mail.outbox.clear()
    flaky_mail.attempts = 0
    flaky_mail.refuse = {1}

    with pytest.raises(MailDeliveryError):
        request_notify(request_id=escort_request.pk, event=Event.CREATED)
    assert mail.outbox == []
    assert request_notify(request_id=escort_request.pk, event=Event.CREATED) == 2
    assert sorted(tuple(message.to or message.bcc) for message in mail.outbox) == [
        ("ayse@beispiel.de",),
        ("koordination@beispiel.de",),
    ]


def test_a_mail_whose_sender_died_mid_send_is_sent_once_the_lease_runs_out(flaky_mail, settings):
    settings.MAIL_CLAIM_SECONDS = 1
    escort_request = make_request(email="ayse@beispiel.de")
    mail.outbox.clear()
    once = f"request-notice:{escort_request.pk}:{Event.CREATED}:{escort_request.updated_at.timestamp()}"
    # What a worker killed while sending the person's mail leaves behind: the lease, no mail.
    cache.add(f"mail-once:{once}:person", "sending", timeout=1)

    with pytest.raises(MailInFlight):
        request_notify(request_id=escort_request.pk, event=Event.CREATED)
    time.sleep(1.2)
    request_notify(request_id=escort_request.pk, event=Event.CREATED)
    assert sorted(tuple(message.to or message.bcc) for message in mail.outbox) == [
        ("ayse@beispiel.de",),
        ("koordination@beispiel.de",),
    ]
