"""The benchmarks' scratch database: beside the configured one, same engine, dropped unless kept.

PostgreSQL: a database named ``<configured name>_bench`` (or ``--scratch-name``) on the same server.
SQLite: a file in a temporary folder (or ``--scratch-name`` as a path). Nothing reads through the
configured database, so the benchmarks run on a fresh clone whose own database was never migrated.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections

ALIAS = "bench"


@dataclass
class Scratch:
    vendor: str
    name: str
    existed: bool
    tmpdir: str | None = None

    def where(self) -> str:
        if self.vendor == "postgresql":
            default = settings.DATABASES["default"]
            server = f"{default.get('HOST') or 'localhost'}:{default.get('PORT') or 5432}"
            return f"PostgreSQL database {self.name!r} on {server}"
        return f"SQLite file {self.name}"


def scratch_open(*, name: str = "", reuse: bool = False) -> Scratch:
    """Create (or, with ``reuse``, open a kept) scratch database and register it as ``ALIAS``."""
    default = settings.DATABASES["default"]
    config = {**default, "ATOMIC_REQUESTS": False, "TEST": {}}
    vendor = connections["default"].vendor
    tmpdir = None
    if vendor == "postgresql":
        config["NAME"] = name or f"{default['NAME']}_bench"
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            existed = cursor.fetchone() is not None
            if not (reuse and existed):
                cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
                cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    elif vendor == "sqlite":
        if name:
            config["NAME"] = str(Path(name).resolve())
        else:
            tmpdir = tempfile.mkdtemp(prefix="mitlaeufer-bench-")
            config["NAME"] = str(Path(tmpdir) / "bench.sqlite3")
        existed = Path(config["NAME"]).exists()
        if existed and not reuse:
            os.remove(config["NAME"])
    else:
        raise CommandError(f"Unsupported database vendor {vendor}.")
    settings.DATABASES[ALIAS] = config
    connections.settings[ALIAS] = config
    if vendor == "sqlite":
        with connections[ALIAS].cursor() as cursor:
            # A scratch file: durability does not matter, load speed does.
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
    return Scratch(vendor=vendor, name=config["NAME"], existed=existed and reuse, tmpdir=tmpdir)


def scratch_close(scratch: Scratch, *, keep: bool) -> None:
    connections[ALIAS].close()
    connections["default"].close()  # it may point at the scratch database (default_points_at)
    if keep:
        return
    if scratch.vendor == "postgresql":
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch.name}"')
    else:
        Path(scratch.name).unlink(missing_ok=True)
        if scratch.tmpdir:
            os.rmdir(scratch.tmpdir)


def default_points_at(scratch: Scratch) -> None:
    """From now on the ORM's default database is the scratch one (as Django's test runner switches).

    The services, the admin and the Celery tasks read and write ``default``; the timed paths must be theirs.
    """
    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = scratch.name
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    settings.DATABASES["default"]["NAME"] = scratch.name


def database_url() -> str:
    """The default database (after ``default_points_at``: the scratch one) as a DATABASE_URL for a child process."""
    db = connections["default"].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def sequences_reset(alias: str) -> None:
    """Move PostgreSQL's id sequences past the rows the benchmark inserted with explicit ids."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style

    from volunteers.models import Volunteer

    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), [get_user_model(), EmailAddress, Volunteer])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def scratch_open_kept(*, name: str = "") -> Scratch:
    """The kept scratch database of an earlier ``bench_matching --keep``, or a CommandError saying how to make one."""
    scratch = scratch_open(name=name, reuse=True)
    if not scratch.existed:
        scratch_close(scratch, keep=False)
        raise CommandError("No kept scratch database: run bench_matching --volunteers 1000000 --keep first.")
    return scratch
