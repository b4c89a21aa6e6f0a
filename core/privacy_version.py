"""The version of the privacy policy and the hash of the register it was written from.

``core/tests/test_privacy_register.py`` recomputes the register's hash: when the
register changes (a field, a class, a retention, a purpose), the test fails until
both lines below are updated, so every consent records the policy it really saw.
No Django imports: the settings read ``POLICY_VERSION``.
"""

POLICY_VERSION = "2026-12-01"
REGISTER_SHA256 = "20c09fb5ec4ff94da15d0e2918bacc4fe1000004cc6b55e5f7a1922023abbb37"
