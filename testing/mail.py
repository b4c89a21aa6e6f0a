"""A mail server that refuses for a while: Django's in-memory backend whose first sends fail like SMTP."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    """Refuses the sends numbered in ``refuse`` (1 = the first of the test) with a passing SMTP error."""

    refuse: set[int] = set()
    attempts = 0

    def send_messages(self, messages):
        FlakyEmailBackend.attempts += 1
        if FlakyEmailBackend.attempts in FlakyEmailBackend.refuse:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
