"""The compose services' own commands, run natively with production settings, end to end.

No Docker engine here, so this plays the stack: ``migrate``, then ``web`` (collectstatic and
gunicorn on a free local port instead of 0.0.0.0:8000), ``worker`` and ``beat`` exactly as
docker-compose.yml starts them, on a scratch PostgreSQL database and Redis databases 12 (broker)
and 11 (cache). The test plays Caddy: it sends the Host, X-Forwarded-For and
X-Forwarded-Proto that Caddy would. A person files a request over HTTP; the worker stores the
proposals. Slow (the migration loads every German postal code): ``-m "not slow"`` skips it.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
import redis
import yaml

from mitlaeufer.tests.production_env import SITE, production_env
from mitlaeufer.tests.test_backup import server_url, sql

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SERVICES = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
# Its own database per run: two suites at once (a helper and CI, say) must not drop each other's.
DATABASE = f"mitlaeufer_i9_stack_{os.getpid()}"
BROKER, CACHE = "redis://127.0.0.1:6379/12", "redis://127.0.0.1:6379/11"
CLIENT = "203.0.113.77"
SEED = """
from matching.requests.tests.helpers import office
from matching.tests.test_worker import appointment, volunteer
the_office = office()
for code in ("47051", "47057", "47226"):
    volunteer(code)
print(the_office.pk, appointment().date().isoformat())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    def __init__(self, tmp_path: Path):
        self.logs = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.log_files: list = []
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            **production_env(redis_url=BROKER, cache_url=CACHE),
            "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
            "DATABASE_URL": server_url(DATABASE),
            "TRUSTED_PROXY_COUNT": "1",
            "SPAM_MIN_FILL_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PYTHONUNBUFFERED": "1",
        }

    def command(self, service: str) -> str:
        command = SERVICES[service]["command"]
        if service == "web":
            assert "0.0.0.0:8000" in command
            command = command.replace("0.0.0.0:8000", f"127.0.0.1:{self.port}")
        if service == "beat":
            command = command.replace("/tmp/celerybeat.pid", str(self.logs / "celerybeat.pid"))  # noqa: S108
        return command

    def run(self, service: str) -> None:
        result = subprocess.run(  # noqa: S603  (the compose file's own command)
            ["/bin/sh", "-c", self.command(service)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    def start(self, service: str) -> None:
        log = open(self.logs / f"{service}.log", "wb")  # noqa: SIM115  (closed in stop())
        self.log_files.append(log)
        self.processes[service] = subprocess.Popen(  # noqa: S603
            ["/bin/sh", "-c", self.command(service)], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def log(self, service: str) -> str:
        return (self.logs / f"{service}.log").read_text(errors="replace")[-3000:]

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    def stop(self) -> None:
        for process in self.processes.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for log in self.log_files:
            log.close()


def wait_for(condition, *, timeout: float, message):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(0.3)
    return result


@pytest.fixture
def stack(tmp_path):
    sql("postgres", f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    sql("postgres", f'CREATE DATABASE "{DATABASE}"')
    running = Stack(tmp_path)
    try:
        yield running
    finally:
        running.stop()
        for url in (BROKER, CACHE):
            redis.Redis.from_url(url).flushdb()
        sql("postgres", f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


class Browser:
    """HTTP as it arrives from Caddy: the public host, https, the client's address appended."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, data: dict | None = None):
        headers = {"Host": SITE, "X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers |= {"Origin": f"https://{SITE}", "Referer": f"https://{SITE}{path}"}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, response.headers, response.read().decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_the_compose_commands_serve_a_request_end_to_end(stack):
    stack.run("migrate")
    office_id, day = stack.manage("shell", "--no-imports", "-c", SEED).split()[-2:]
    for service in ("web", "worker", "beat"):
        stack.start(service)
    browser = Browser(stack.port)

    health = urllib.request.Request(f"{browser.base}/healthz")  # noqa: S310  (the container's probe, plain HTTP)
    wait_for(lambda: _ok(health), timeout=60, message=lambda: stack.log("web"))
    wait_for(
        lambda: re.search(r"celery@\S+ ready", stack.log("worker")), timeout=60, message=lambda: stack.log("worker")
    )

    status, headers, form = browser.request("/anfrage/")
    assert status == 200, form[:500]
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', form).group(1)  # collected, hashed
    assert browser.request(stylesheet)[0] == 200

    data = {
        "csrfmiddlewaretoken": hidden(form, "csrfmiddlewaretoken"), "form_started": hidden(form, "form_started"),
        "first_name": "Ayşe", "email": "ayse@beispiel.de", "office_query": "47051", "office": office_id,
        "date": day, "time": "10:00", "duration_minutes": "60", "languages": ["0"], "consent": "on",
        "hp_contact": "", "send": "1",
    }  # fmt: skip
    status, headers, body = browser.request("/anfrage/", data)
    assert status == 302, body[:3000]
    assert re.fullmatch(r"/anfrage/[\w-]{20,}/", headers["Location"])
    assert browser.request(headers["Location"])[0] == 200

    with psycopg.connect(server_url(DATABASE)) as conn:
        assert conn.execute("SELECT first_name FROM matching_accompanimentrequest").fetchall() == [("Ayşe",)]

    def proposals() -> int:
        with psycopg.connect(server_url(DATABASE)) as conn:
            return conn.execute("SELECT count(*) FROM matching_proposal").fetchone()[0]

    assert wait_for(proposals, timeout=60, message=lambda: stack.log("worker")) >= 1
    assert "beat: Starting" in stack.log("beat")
    assert all(process.poll() is None for process in stack.processes.values())


def _ok(request) -> bool:
    with suppress(OSError):
        return urllib.request.urlopen(request, timeout=5).status == 200  # noqa: S310
    return False
