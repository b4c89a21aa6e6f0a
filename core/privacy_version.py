"""The version of the privacy policy and the hash of the register it was written from.

``core/tests/test_privacy_register.py`` recomputes the register's hash: when the
register changes (a field, a class, a retention, a purpose), the test fails until
both lines below are updated, so every consent records the policy it really saw.
No Django imports: the settings read ``POLICY_VERSION``.
"""

POLICY_VERSION = "2026-12-02"
REGISTER_SHA256 = "8482431045ca0f59394cc7899269fac2ca15558c4580808e43e3a4416c97dc24"
