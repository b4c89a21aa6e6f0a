"""Fixtures shared by core's tests."""

from core.tests.test_mail import refusing_smtp_port  # noqa: F401  (a fixture: a server that refuses with 550)
