"""A real Celery worker process for the tests in test_worker.py (no mocks, no eager mode).

The worker runs with the production settings (``mitlaeufer.settings``) against the
test database pytest-django created and the suite's Redis. Each test gets its own
queue, so two runs on one Redis never take each other's tasks.
"""

import email
import email.policy
import json
import os
import re
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import redis
from celery.signals import celeryd_init
from django.conf import settings
from django.db import connection

from mitlaeufer.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]
CELERY = ROOT / ".venv" / "bin" / "celery"
# A port nothing listens on: the broker as seen by the web process during an outage.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
READY_SECONDS = 30
# Set for the worker process only: the queue it consumes, and where the tasks it sends go.
QUEUE_ENV = "MITLAEUFER_TEST_QUEUE"


@celeryd_init.connect
def _send_to_the_test_queue(conf=None, **kwargs) -> None:
    """In the worker: tasks queued by tasks (the sweeper's proposal runs) stay in the test's queue.

    The worker runs the project's app (``mitlaeufer.celery.app``), reached through this
    module only so that this hook is connected before it starts.
    """
    queue = os.environ.get(QUEUE_ENV)
    if queue and conf is not None:
        conf.task_default_queue = queue


def unique_queue() -> str:
    return f"test-worker-{uuid.uuid4().hex[:12]}"


def test_database_url() -> str:
    """The test database pytest-django created, as a DATABASE_URL for the worker."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def in_flight(queue: str) -> list[tuple[str, float]]:
    """Messages of ``queue`` a worker has taken but not acknowledged: (delivery tag, taken at)."""
    client = redis_client()
    found = []
    for tag, payload in client.hgetall("unacked").items():
        _message, exchange, routing_key = json.loads(payload)
        if queue in (exchange, routing_key):
            score = client.zscore("unacked_index", tag)
            found.append((tag.decode(), score or 0.0))
    return found


def purge(queue: str) -> None:
    """Remove every trace of ``queue`` from Redis: waiting and unacknowledged messages, bindings."""
    client = redis_client()
    for key in client.scan_iter(match=f"{queue}*"):
        client.delete(key)
    client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, _taken_at in in_flight(queue):
        client.hdel("unacked", tag)
        client.zrem("unacked_index", tag)


@contextmanager
def routed_to(queue: str):
    """Send this process's tasks to ``queue`` through the broker instead of running them eagerly."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager = False
    conf.task_default_queue = queue
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_default_queue = saved


def _reset_producer_pools() -> None:
    # Celery caches the broker connection pool and the producer pool built from broker_url.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """This (the web) process sends its tasks to the broker at ``url``."""
    conf = celery_app.conf
    saved = conf["broker_url"]
    conf["broker_url"] = url
    _reset_producer_pools()
    try:
        yield
    finally:
        conf["broker_url"] = saved
        _reset_producer_pools()


@contextmanager
def broker_unreachable():
    """The broker is down, as far as this (the web) process can tell; workers are not affected."""
    with broker_at(UNREACHABLE_BROKER):
        yield


def wait_for(condition, *, timeout: float, interval: float = 0.05, message=""):
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` seconds.

    ``message`` may be a callable (say, the worker's log tail at that moment).
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s in vain: {message() if callable(message) else message}")
        time.sleep(interval)


class Worker:
    """One ``celery worker`` process (in its own process group, so its pool dies with it)."""

    def __init__(self, *, queue: str, log_path: Path, env: dict[str, str], concurrency: int = 1):
        self.queue = queue
        self.name = f"{queue}-{uuid.uuid4().hex[:4]}@%h"
        self.log_path = log_path
        command = [
            str(CELERY),
            "-A",
            "testing.celery_worker:celery_app",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            self.name,
        ]
        self._log = open(log_path, "wb")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(  # noqa: S603  (a fixed command, no shell)
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.log()))

    def wait_ready(self, timeout: float = READY_SECONDS) -> "Worker":
        deadline = time.monotonic() + timeout
        while not re.search(r"@\S+ ready\.", self.log()):
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the worker was not ready after {timeout} s:\n{self.log_tail()}")
            time.sleep(0.05)
        return self

    def pool_pids(self) -> list[int]:
        """The pool processes (the ones running tasks) under the main process."""
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def freeze(self) -> None:
        os.killpg(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL the whole worker, pool included: no warm shutdown, nothing handed back."""
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL for whatever is left of the group."""
        if self.process.poll() is None:
            with suppress(ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.pid, signal.SIGCONT)
                os.killpg(self.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        self._log.close()


class Workers:
    """Starts workers for one test's queue and stops all of them afterwards."""

    def __init__(self, *, queue: str, directory: Path):
        self.queue = queue
        self.directory = directory
        self.mail_dir = directory / "mail"
        self.mail_dir.mkdir()
        self.started: list[Worker] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                # The production settings, not settings_test (which forces eager tasks).
                "DJANGO_SETTINGS_MODULE": "mitlaeufer.settings",
                "DATABASE_URL": test_database_url(),
                "REDIS_URL": settings.REDIS_URL,
                "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.mail_dir),
                "SITE_URL": settings.SITE_URL,
                "PYTHONUNBUFFERED": "1",
                # As in production (the settings' default without DEBUG): connections outlive a task.
                "DB_CONN_MAX_AGE": "60",
                QUEUE_ENV: self.queue,
            }
        )
        env.update(extra)
        return env

    def start(self, *, concurrency: int = 1, wait: bool = True, **env: str) -> Worker:
        log_path = self.directory / f"worker-{len(self.started) + 1}.log"
        worker = Worker(queue=self.queue, log_path=log_path, env=self.env(**env), concurrency=concurrency)
        self.started.append(worker)
        return worker.wait_ready() if wait else worker

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()

    def mails(self) -> list[EmailMessage]:
        """Every message the workers sent (the file backend writes one file per connection)."""
        separator = b"\n" + b"-" * 79 + b"\n"
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for part in path.read_bytes().split(separator):
                if part.strip():
                    messages.append(email.message_from_bytes(part, policy=email.policy.default))
        return messages
