"""scripts/backup.sh and scripts/restore.sh against the local PostgreSQL, in a scratch database."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

from tools.servers import postgres_install_dir

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = "mitlaeufer_i9_backup"


def server_url(database: str) -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def sql(database: str, statement: str, *params):
    with psycopg.connect(server_url(database), autocommit=True) as conn:
        cursor = conn.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else None


def client_tools_path() -> str:
    """PATH with pg_dump/pg_restore of the server's major version first, as an operator would install them.

    The private PostgreSQL 18 of ``make test`` (tools/servers.py) ships its own; the system's are 15.
    """
    server_major = int(sql("postgres", "SHOW server_version_num")[0][0]) // 10000
    bundled = postgres_install_dir() / "bin"
    found = shutil.which("pg_dump")
    system_pg_dump = subprocess.run([found, "--version"], capture_output=True, text=True).stdout if found else ""
    if f" {server_major}." not in system_pg_dump and (bundled / "pg_dump").exists():
        return f"{bundled}{os.pathsep}{os.environ['PATH']}"
    return os.environ["PATH"]


def script(name: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": server_url(SCRATCH), "PATH": client_tools_path()}
    return subprocess.run(  # noqa: S603  (our own scripts with fixed arguments)
        ["/bin/sh", str(ROOT / "scripts" / name), *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def scratch_database():
    sql("postgres", f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    sql("postgres", f'CREATE DATABASE "{SCRATCH}"')
    try:
        yield
    finally:
        sql("postgres", f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


def test_a_row_survives_backup_and_restore(scratch_database, tmp_path):
    sql(SCRATCH, "CREATE TABLE request (id serial PRIMARY KEY, first_name text NOT NULL)")
    sql(SCRATCH, "INSERT INTO request (first_name) VALUES (%s)", "Ayşe")

    backup = script("backup.sh", str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path and dump.name.startswith("mitlaeufer-") and dump.suffix == ".dump"
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert list(tmp_path.glob("*.partial")) == []

    # What goes wrong after the backup: the row is deleted, something else is written.
    sql(SCRATCH, "DELETE FROM request")
    sql(SCRATCH, "INSERT INTO request (first_name) VALUES ('nach dem Backup')")
    sql(SCRATCH, "CREATE TABLE later (id int)")

    restore = script("restore.sh", str(dump))
    assert restore.returncode == 0, restore.stderr
    assert sql(SCRATCH, "SELECT first_name FROM request") == [("Ayşe",)]
    # The restore brings back the tables of the dump; it does not remove tables created afterwards.
    assert sql(SCRATCH, "SELECT count(*) FROM later") == [(0,)]


def test_restore_refuses_a_missing_file_and_leaves_the_database_alone(scratch_database, tmp_path):
    sql(SCRATCH, "CREATE TABLE request (id int)")
    result = script("restore.sh", str(tmp_path / "gibt-es-nicht.dump"))
    assert result.returncode != 0
    assert sql(SCRATCH, "SELECT count(*) FROM request") == [(0,)]


def test_backup_without_a_database_url_fails_loudly(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(  # noqa: S603
        ["/bin/sh", str(ROOT / "scripts" / "backup.sh"), str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr
    assert list(tmp_path.iterdir()) == []
