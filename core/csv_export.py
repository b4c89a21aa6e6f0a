"""CSV downloads that are safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
could be run as a formula by Excel or LibreOffice ("CSV injection"); such a cell
gets a leading apostrophe, which spreadsheets show as text.
"""

import csv
import unicodedata
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# Excel in German locales expects semicolons.
DELIMITER = ";"


# The separator between several values in one cell (services, languages).
LIST_SEPARATOR = ", "


def csv_cell(value: object) -> str:
    """One value as a CSV cell: None is empty, and a possible formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    # Spreadsheets skip leading blanks and read full-width signs (＝＋－＠) as formulas too.
    if unicodedata.normalize("NFKC", text).lstrip(" \u00a0").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_unneutralise(text: str) -> str:
    """Undo ``csv_cell``'s apostrophe, so an exported file can be imported again."""
    if len(text) > 1 and text[0] == "'" and text[1] in "".join(FORMULA_PREFIXES):
        return text[1:]
    return text


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A UTF-8 CSV download (with a byte-order mark, so Excel reads umlauts) with every cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=DELIMITER)
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
