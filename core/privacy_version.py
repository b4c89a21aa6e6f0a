"""The version of the privacy policy and the hash of the register it was written from.

``core/tests/test_privacy_register.py`` recomputes the register's hash: when the
register changes (a field, a class, a retention, a purpose), the test fails until
both lines below are updated, so every consent records the policy it really saw.
No Django imports: the settings read ``POLICY_VERSION``.
"""

POLICY_VERSION = "2026-12-02"
REGISTER_SHA256 = "5f422fd2b24f898883c7846d4cead5193208fcec072b9130aaf1bddaeb840d8c"
