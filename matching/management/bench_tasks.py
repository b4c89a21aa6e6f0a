"""``bench_matching --task-path N``: the path a deployment runs, timed with a real Celery worker.

N requests are filed through ``request_create`` (one at a time, each waiting for its proposals), a
``celery worker`` on the configured Redis stores the proposals in the scratch database, and two
figures come out: commit → stored proposals (the request's ``proposals_run_at`` against the moment
its transaction committed) and ``propose`` as the worker logs it. Run twice, once with a database
connection per task (``DB_CONN_MAX_AGE=0``, what Celery does with Django unless told otherwise) and
once with kept connections (the production default), beside the warm search of the same run.
"""

import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from directory.models import Office
from matching.engine.proposals import propose as propose_task
from matching.management.bench_stats import appointment, percentile
from matching.management.scratch import database_url
from matching.models import AccompanimentRequest
from matching.requests.services import request_create

ROOT = Path(__file__).resolve().parents[2]
PROPOSE_DONE = re.compile(r"Task matching\.engine\.proposals\.propose\[[^\]]+\] succeeded in ([0-9.]+)s")
WARM_UP = 3
TIMEOUT = 20.0
START_SECONDS = 60.0


def task_path_report(command: BaseCommand, *, offices: list, count: int, warm: list[float]) -> None:
    """Print p50/p95 of both paths with and without kept connections, as ratios to the warm search."""
    if not settings.REDIS_URL:
        raise CommandError("--task-path needs REDIS_URL (a Redis broker for the real Celery worker).")
    rows = []
    for label, max_age in (("connection per task", "0"), ("kept connection", "60")):
        stored, propose = _run(command, offices=offices, count=count, max_age=max_age)
        rows.append((label, stored, propose))
    warm_p50, warm_p95 = percentile(warm, 50), percentile(warm, 95)
    command.stdout.write("")
    command.stdout.write(f"| task path, {count} requests | commit → stored p50 | p95 | propose in worker p50 | p95 |")
    command.stdout.write("|---|---|---|---|---|")
    for label, stored, propose in rows:
        command.stdout.write(
            f"| {label} | {percentile(stored, 50):.1f} ms | {percentile(stored, 95):.1f} ms "
            f"| {percentile(propose, 50):.1f} ms | {percentile(propose, 95):.1f} ms |"
        )
    command.stdout.write(f"| warm search (same run) | | | {warm_p50:.2f} ms | {warm_p95:.2f} ms |")
    before, after = rows
    command.stdout.write(
        command.style.SUCCESS(
            f"kept connections: propose p95 {percentile(before[2], 95) / percentile(after[2], 95):.1f}× faster, "
            f"commit → stored p95 {percentile(before[1], 95) / percentile(after[1], 95):.1f}× faster"
        )
    )


def _run(command: BaseCommand, *, offices: list, count: int, max_age: str) -> tuple[list[float], list[float]]:
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    log_path = Path(tempfile.mkdtemp(prefix="mitlaeufer-bench-worker-")) / "worker.log"
    worker = _start_worker(queue=queue, log_path=log_path, max_age=max_age)
    conf = propose_task.app.conf
    saved = conf.task_default_queue
    conf.task_default_queue = queue
    try:
        stored, missed = [], 0
        for number in range(WARM_UP + count):
            latency = _one_request(offices, number)
            if latency is None:
                missed += 1
            elif number >= WARM_UP:
                stored.append(latency)
    finally:
        conf.task_default_queue = saved
        worker.terminate()
        worker.wait(timeout=30)
    propose = [float(s) * 1000 for s in PROPOSE_DONE.findall(log_path.read_text())][WARM_UP:]
    # The log is kept (and named) only when something went wrong; otherwise the timings are all it held.
    if not missed:
        shutil.rmtree(log_path.parent, ignore_errors=True)
        where = ""
    else:
        where = f", log {log_path}"
    command.stdout.write(f"  worker with DB_CONN_MAX_AGE={max_age}: {len(stored)} requests timed{where}")
    if missed:
        # The broker did not take the task in time (core.tasks deferred it for beat to relay): not timed.
        command.stdout.write(command.style.WARNING(f"  {missed} requests got no proposals within {TIMEOUT:.0f} s"))
    return stored, propose


def _one_request(offices: list, number: int) -> float | None:
    office_id = offices[number % len(offices)][0]
    committed = []
    with transaction.atomic():
        # Registered first, so it runs first after the commit, before the tasks are sent.
        transaction.on_commit(lambda: committed.append(timezone.now()))
        escort_request, _created = request_create(
            office=Office.objects.get(pk=office_id),
            first_name="Bench",
            email=f"task{number}-{uuid.uuid4().hex[:6]}@bench.invalid",
            starts_at=appointment(),
            languages=1,
        )
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        run_at = (
            AccompanimentRequest.objects.filter(pk=escort_request.pk).values_list("proposals_run_at", flat=True).get()
        )
        if run_at:
            return (run_at - committed[0]).total_seconds() * 1000
        # The latency comes from the stored timestamps, not from this loop; polling slowly keeps the loop and
        # its database backend off the two cores the worker and PostgreSQL need.
        time.sleep(0.02)
    return None


def _start_worker(*, queue: str, log_path: Path, max_age: str) -> subprocess.Popen:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "mitlaeufer.settings",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DB_CONN_MAX_AGE": max_age,
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "mitlaeufer", "worker", "--loglevel=INFO", "--concurrency=1"]
    command += ["-Q", queue, "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    log = open(log_path, "wb")  # noqa: SIM115  (the worker writes it; closed when this process ends)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + START_SECONDS
    while not re.search(r"@\S+ ready\.", log_path.read_text(errors="replace")):
        if process.poll() is not None or time.monotonic() > deadline:
            raise CommandError(f"the Celery worker did not start, see {log_path}")
        time.sleep(0.1)
    return process
