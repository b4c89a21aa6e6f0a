"""The version of the privacy policy and the hash of the register it was written from.

``core/tests/test_privacy_register.py`` recomputes the register's hash: when the
register changes (a field, a class, a retention, a purpose), the test fails until
both lines below are updated, so every consent records the policy it really saw.
No Django imports: the settings read ``POLICY_VERSION``.
"""

POLICY_VERSION = "2026-12-03"
REGISTER_SHA256 = "83b1f6172bff452608f5115d1dc3d6f6e438174b3ae7989427652b9e46b0b4ea"
