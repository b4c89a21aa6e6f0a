"""Support for the test suite (a phone-sized browser, a real Celery worker).

Outside the apps' layers on purpose: tests of every app use it, and it may use the project.
"""
