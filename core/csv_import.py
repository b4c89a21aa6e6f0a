"""A small, shared helper for importing rows from a CSV file.

Used by ``import_offices`` and meant for every other directory import
(partner initiatives, …). It does the parts every import needs, so each
command only says what one row means:

- reads UTF-8 (with or without a byte-order mark), comma- or semicolon-separated,
  the first line being the header; column names are matched case-insensitively,
  optionally through aliases (German column names);
- counts lines as a text editor does (the header is line 1), also when a quoted
  field spans several lines;
- runs every row in its own savepoint: a bad row is rolled back and reported with
  its line number and the reason, the good rows are imported;
- ``dry_run`` runs everything (with the same validation) and rolls it all back;
- shows a tqdm progress bar.

A row handler returns one of ``CREATED``, ``UPDATED`` or ``UNCHANGED`` and raises
``RowError`` (or Django's ``ValidationError``) to reject its row::

    def handle(row: dict[str, str]) -> str:
        if not row["name"]:
            raise RowError("name is empty")
        ...
        return CREATED

    with open(path, encoding="utf-8-sig", newline="") as file:
        report = import_csv(file, handle_row=handle, required_columns=["name"], dry_run=True)
    for line, message in report.errors:
        ...
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from tqdm import tqdm

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
OUTCOMES = (CREATED, UPDATED, UNCHANGED)

DELIMITERS = ",;\t"


class RowError(Exception):
    """Raise from a row handler to reject that row; the message is shown with its line number."""


class HeaderError(Exception):
    """The file as a whole cannot be imported (no header, required columns missing)."""


@dataclass
class ImportReport:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (line number, reason), in file order.
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        prefix = "Dry run, nothing saved: " if self.dry_run else ""
        return (
            f"{prefix}{self.rows} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.errors)} with errors."
        )


def _normalise(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _sniff_delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def iter_csv_rows(
    file: TextIO,
    *,
    required_columns: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    delimiter: str | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row; keys are normalised column names.

    Names are lower-cased with spaces and dashes as underscores, then mapped
    through ``aliases`` (say ``{"plz": "postal_code"}``), so a header in German works.

    Values are stripped strings; missing cells are "". Entirely blank lines are skipped.
    Raises ``HeaderError`` if the header is missing or lacks a required column.
    """
    text = file.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise HeaderError("The file is empty or its first line (the header) is blank.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or _sniff_delimiter(first_line))
    aliases = {_normalise(alias): name for alias, name in (aliases or {}).items()}
    header = [aliases.get(_normalise(name), _normalise(name)) for name in next(reader)]
    missing = [name for name in required_columns if _normalise(name) not in header]
    if missing:
        raise HeaderError(f"Missing column(s) in the header: {', '.join(missing)}. Found: {', '.join(header)}.")
    line_number = reader.line_num + 1  # where the next record starts
    for cells in reader:
        start = line_number
        line_number = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: "" for name in header}
        for name, cell in zip(header, cells, strict=False):
            row[name] = cell.strip()
        if len(cells) > len(header):
            row[None] = cells[len(header) :]  # surplus cells; handlers may reject the row
        yield start, row


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(str(m) for m in messages)}" if name != "__all__" else " ".join(map(str, messages))
                for name, messages in error.message_dict.items()
            )
        return " ".join(str(message) for message in error.messages)
    return str(error)


def import_csv(
    file: TextIO,
    *,
    handle_row: Callable[[dict[str, str]], str],
    required_columns: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    dry_run: bool = False,
    progress: bool = True,
    progress_file: TextIO | None = None,
    description: str = "Import",
    delimiter: str | None = None,
) -> ImportReport:
    """Run ``handle_row`` on every data row of ``file`` and report what happened.

    All rows run in one transaction with a savepoint per row, so a failing row
    leaves no trace, and a dry run rolls everything back at the end.
    """
    report = ImportReport(dry_run=dry_run)
    rows = list(iter_csv_rows(file, required_columns=required_columns, aliases=aliases, delimiter=delimiter))
    with transaction.atomic():
        bar = tqdm(
            rows, total=len(rows), desc=description, unit=" rows", disable=not progress, file=progress_file, leave=True
        )
        for line_number, row in bar:
            if None in row:
                report.errors.append((line_number, "more cells than columns in the header"))
                continue
            try:
                with transaction.atomic():
                    outcome = handle_row(row)
            except (RowError, ValidationError) as error:
                report.errors.append((line_number, _reason(error)))
                continue
            except IntegrityError:
                # The savepoint is rolled back; the database's message may quote values, so it is not shown.
                report.errors.append((line_number, "conflicts with an existing entry (database constraint)"))
                continue
            if outcome not in OUTCOMES:
                raise ValueError(f"A row handler must return one of {OUTCOMES}, got {outcome!r}.")
            setattr(report, outcome, getattr(report, outcome) + 1)
        bar.close()
        if dry_run:
            transaction.set_rollback(True)
    return report


class CsvImportCommand(BaseCommand):
    """A management command that imports one CSV file with ``import_csv``.

    Subclasses set ``aliases``, ``required_columns`` and ``description`` and
    return the row handler from ``row_handler(options)``; argument parsing,
    error messages and the report are the same for every import.
    """

    aliases: dict[str, str] = {}
    required_columns: Iterable[str] = ()
    description = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header line")
        parser.add_argument("--dry-run", action="store_true", help="check and count everything, save nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def row_handler(self, options: dict):
        raise NotImplementedError

    def handle(self, *args, file: str, dry_run: bool, no_progress: bool, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                report = import_csv(
                    handle,
                    aliases=self.aliases,
                    handle_row=self.row_handler(options),
                    required_columns=self.required_columns,
                    dry_run=dry_run,
                    progress=not no_progress,
                    progress_file=getattr(self.stderr, "_out", self.stderr),
                    description=self.description,
                )
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}")
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text. Save it as CSV UTF-8 and try again.")
        except HeaderError as error:
            raise CommandError(str(error))
        for line, reason in report.errors:
            self.stderr.write(self.style.ERROR(f"line {line}: {reason}"))
        style = self.style.SUCCESS if report.ok else self.style.WARNING
        self.stdout.write(style(report.summary()))
