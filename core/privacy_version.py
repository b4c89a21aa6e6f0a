"""The version of the privacy policy and the hash of the register it was written from.

``core/tests/test_privacy_register.py`` recomputes the register's hash: when the
register changes (a field, a class, a retention, a purpose), the test fails until
both lines below are updated, so every consent records the policy it really saw.
No Django imports: the settings read ``POLICY_VERSION``.
"""

POLICY_VERSION = "2026-12-03"
REGISTER_SHA256 = "177bea40dac8718938a5fca290389cf27ed5af3f2babb87259d80e7612c6a023"
