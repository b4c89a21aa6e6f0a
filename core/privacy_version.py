"""The version of the privacy policy and the hash of the register it was written from.

``core/tests/test_privacy_register.py`` recomputes the register's hash: when the
register changes (a field, a class, a retention, a purpose), the test fails until
both lines below are updated, so every consent records the policy it really saw.
No Django imports: the settings read ``POLICY_VERSION``.
"""

POLICY_VERSION = "2026-12-02"
REGISTER_SHA256 = "bb93b7a6c9c80a1470b4fdd4f8ff9cee794242d7d25539670bbdbfce38cf9915"
