"""Settings for the test suite: the real settings, plus what only tests need.

``make test`` points DATABASE_URL at PostgreSQL and REDIS_URL at Redis; the
root conftest refuses to run on anything else.
"""

from mitlaeufer.settings import *  # noqa: F403
from mitlaeufer.settings import BASE_DIR, DATABASES

# A second database so matching can be checked to give the same answers on
# SQLite as on PostgreSQL. Nothing uses it unless a test asks for it.
# The file is named after the PostgreSQL database, so parallel runs on
# different databases do not share it.
_SQLITE_TEST_FILE = BASE_DIR / f"test-sqlite-{DATABASES['default']['NAME']}.sqlite3"
DATABASES["sqlite"] = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": _SQLITE_TEST_FILE,
    "TEST": {"NAME": _SQLITE_TEST_FILE},
    # False: with True, Django wraps every view in a transaction on this
    # database too, so any request in a test not allowed to use it fails.
    "ATOMIC_REQUESTS": False,
}

# Fast hashing; tests do not measure password strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test starts a real worker (see matching/tests/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES["default"]["KEY_PREFIX"] = "mitlaeufer-test"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Most admin tests log in with force_login; the MFA tests turn the requirement on (mitlaeufer/tests/test_mfa.py).
ADMIN_REQUIRE_MFA = False

# Tests change settings and data at run time without telling the page cache: off, except where a test is about it.
PAGE_CACHE_PATHS: list[str] = []
