"""The version of the privacy policy and the hash of the register it was written from.

``core/tests/test_privacy_register.py`` recomputes the register's hash: when the
register changes (a field, a class, a retention, a purpose), the test fails until
both lines below are updated, so every consent records the policy it really saw.
No Django imports: the settings read ``POLICY_VERSION``.
"""

POLICY_VERSION = "2026-12-02"
REGISTER_SHA256 = "5dd0ba7107aeff4a77db9d492df3b739b9cb43458676dc3a1301d4b7f806555e"
