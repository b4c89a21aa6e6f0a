"""core.mail.deliver against real SMTP conversations on a local socket."""

import logging
import socket
import socketserver
import threading

import pytest
from django.core.mail import EmailMessage, get_connection

from core.mail import MailDeliveryError, deliver

ADDRESS = "ayse.private@beispiel.de"


class RefusingSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to reach RCPT TO, which it refuses for good (550)."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        for raw in self.rfile:
            command = raw.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 test\r\n")
            elif command.startswith("MAIL FROM"):
                self.wfile.write(b"250 ok\r\n")
            elif command.startswith("RCPT TO"):
                self.wfile.write(b"550 no such user\r\n")
            elif command.startswith("QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def refusing_smtp_port():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), RefusingSMTPHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _message(port: int) -> EmailMessage:
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port, timeout=5)
    return EmailMessage("Betreff", "Text", "noreply@mitlaeufer.example", [ADDRESS], connection=connection)


def test_a_permanent_refusal_is_not_retried_and_the_log_holds_no_address(refusing_smtp_port, caplog):
    caplog.set_level(logging.WARNING)
    assert deliver(_message(refusing_smtp_port)) is False
    assert "refused permanently" in caplog.text
    assert ADDRESS not in caplog.text


def test_a_transient_failure_raises_an_error_without_the_address():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(MailDeliveryError) as error:
        deliver(_message(closed_port))
    assert str(error.value) == "ConnectionRefusedError"
    assert error.value.__cause__ is None and error.value.__suppress_context__
