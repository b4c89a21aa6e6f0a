"""Requests per second of the public pages against a bare view, through gunicorn with production settings.

    python manage.py bench_web            # 5 s per path; a connection per request, then kept connections
    python manage.py bench_web --short    # 1 s per path, kept connections only (for CI)

Builds a scratch database beside the configured one (as ``bench_matching`` does) with the demo data,
starts gunicorn (``--workers``, default 2) with production settings on a free port of 127.0.0.1, and
loads each path from ``--threads`` client threads (``http.client``; gunicorn's sync workers close each
connection, so every request connects), the paths taking turns in slices of half a second. Every page is
compared with a bare view that answers through the same middleware in the same run, under the same load
(the turns): the ratio is what the page costs, whatever the machine's load.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from directory.choices import InitiativeState
from directory.models import Initiative
from matching.engine.proposals import propose
from matching.management.bench_stats import load, percentile
from matching.management.scratch import ALIAS, database_url, default_points_at, scratch_close, scratch_open
from mitlaeufer.bench_urls import BARE_PATH

ROOT = Path(__file__).resolve().parents[3]
HOST = "127.0.0.1"
START_SECONDS = 60
SLICE_SECONDS = 0.5


class Command(BaseCommand):
    help = "Times the public pages (req/s) through gunicorn with production settings, as ratios to a bare view."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=5.0, help="load per path")
        parser.add_argument("--threads", type=int, default=8, help="client threads")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--conn-max-age", default="0,60", help="DB_CONN_MAX_AGE values to compare")
        parser.add_argument("--short", action="store_true", help="1 s per path, kept connections only")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database and say where")
        parser.add_argument("--reuse", action="store_true", help="open a kept scratch database as it is")
        parser.add_argument("--scratch-name", default="", help="scratch database name (SQLite: file path)")

    def handle(self, *args, **options):
        if options["short"]:
            options["seconds"], options["conn_max_age"] = 1.0, "60"
        self.stdout.write(f"load average at start: {load()}")
        scratch = scratch_open(name=options["scratch_name"] or self._default_name(), reuse=options["reuse"])
        try:
            call_command("migrate", database=ALIAS, verbosity=0)
            default_points_at(scratch)
            self._demo_data()
            paths = self._paths()
            env = self._env()
            subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
            runs = []
            for max_age in options["conn_max_age"].split(","):
                rates = self._run({**env, "DB_CONN_MAX_AGE": max_age}, paths, options)
                runs.append((max_age, rates))
            self._report(paths, runs)
            self.stdout.write(f"load average at end: {load()}")
        finally:
            scratch_close(scratch, keep=options["keep"])
            if options["keep"]:
                self.stdout.write(self.style.SUCCESS(f"kept the scratch database: {scratch.where()}"))

    def _default_name(self) -> str:
        return f"{settings.DATABASES['default']['NAME']}_web" if "postgresql" in settings.DATABASES["default"][
            "ENGINE"
        ] else ""  # fmt: skip

    def _demo_data(self) -> None:
        if Initiative.objects.filter(state=InitiativeState.PUBLISHED).exists():
            return
        conf = propose.app.conf
        saved = conf.task_always_eager
        conf.task_always_eager = True  # the offices' distance index is built here, not queued for nobody
        try:
            with override_settings(DEBUG=True, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        finally:
            conf.task_always_eager = saved

    def _paths(self) -> list[str]:
        slug = Initiative.objects.filter(state=InitiativeState.PUBLISHED).order_by("pk").values_list("slug", flat=True)
        if not slug:
            raise CommandError("No published initiative in the scratch database.")
        return [f"/{BARE_PATH}", "/", "/anfrage/", "/initiativen/?plz=10115", f"/initiativen/{slug[0]}/", "/healthz"]

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DB_CONN"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "mitlaeufer.settings",
                "DJANGO_READ_DOT_ENV": "false",
                "DJANGO_DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(40),
                "ALLOWED_HOSTS": HOST,
                "SECURE_SSL_REDIRECT": "false",
                "DATABASE_URL": database_url(),
                "REDIS_URL": settings.REDIS_URL,
                "CACHE_URL": settings.CACHE_URL,
            }
        )
        return env

    def _run(self, env: dict[str, str], paths: list[str], options) -> dict[str, tuple[float, list[float], int]]:
        port = free_port()
        # gunicorn's log lives only as long as the run: a benchmark leaves nothing behind in /tmp.
        log_dir = tempfile.TemporaryDirectory(prefix="mitlaeufer-bench-web-")
        log_path = Path(log_dir.name) / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "mitlaeufer.bench_wsgi:application", "--bind", f"{HOST}:{port}"]
        command += ["--workers", str(options["workers"])]
        with open(log_path, "wb") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_ready(port, server, log_path)
            for path in paths:
                hammer(port, path, threads=options["threads"], seconds=0.5)  # warm caches and connections
            # Round robin in short slices: on a shared machine the load changes within seconds, and a path
            # timed after the bare view would otherwise be compared under different load.
            slices = max(1, round(options["seconds"] / SLICE_SECONDS))
            timed: dict[str, list] = {path: [0.0, [], 0] for path in paths}
            for _ in range(slices):
                for path in paths:
                    rate, latencies, errors = hammer(
                        port, path, threads=options["threads"], seconds=options["seconds"] / slices
                    )
                    timed[path][0] += len(latencies) / rate if rate else options["seconds"] / slices
                    timed[path][1] += latencies
                    timed[path][2] += errors
            return {path: (len(lat) / elapsed, lat, errors) for path, (elapsed, lat, errors) in timed.items()}
        finally:
            server.terminate()
            server.wait(timeout=30)
            log_dir.cleanup()

    def _report(self, paths: list[str], runs) -> None:
        self.stdout.write("")
        heads = " | ".join(f"DB_CONN_MAX_AGE={age}: req/s, p99, ratio" for age, _ in runs)
        self.stdout.write(f"| path | {heads} |")
        self.stdout.write("|---|" + "---|" * len(runs))
        for path in paths:
            cells = []
            for _age, rates in runs:
                rate, latencies, errors = rates[path]
                bare = rates[paths[0]][0]
                cell = f"{rate:,.0f} req/s, p99 {percentile(latencies, 99):.0f} ms, {rate / bare:.2f}×"
                cells.append(cell + (f" ({errors} errors)" if errors else ""))
            label = "bare view (same middleware)" if path == paths[0] else f"`{path}`"
            self.stdout.write(f"| {label} | " + " | ".join(cells) + " |")
        if len(runs) > 1:
            first, last = runs[0][1], runs[-1][1]
            self.stdout.write(
                "kept connections vs. a connection per request: "
                + ", ".join(f"{path} {last[path][0] / first[path][0]:.2f}×" for path in paths[1:])
            )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_ready(port: int, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"gunicorn did not answer /healthz, see {log_path}")


def hammer(port: int, path: str, *, threads: int, seconds: float) -> tuple[float, list[float], int]:
    """Requests per second, latencies (ms) and non-200 answers of ``threads`` clients for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        mine, failed, connection = [], 0, None
        while time.monotonic() < stop_at:
            connection = connection or http.client.HTTPConnection(HOST, port, timeout=30)
            started = time.perf_counter()
            connection.request("GET", path, headers={"Host": HOST})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            failed += response.status != 200
            if response.will_close:
                connection.close()
                connection = None
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(latencies) / (time.monotonic() - started), latencies, errors[0]
