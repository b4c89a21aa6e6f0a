import io

import pytest
from django.core.management import CommandError, call_command

from core.csv_import import iter_csv_rows
from directory.choices import OfficeKind
from directory.models import Office

pytestmark = pytest.mark.django_db

GOOD = """name,kind,street,postal_code,city
Jobcenter Duisburg Mitte,Jobcenter,Wuhanstraße 6,47051,Duisburg
Landesamt für Einwanderung Berlin,IMMIGRATION,Friedrich-Krause-Ufer 24,13353,Berlin
Sozialamt Prenzlau,2,Karl-Marx-Straße 1,17291,Prenzlau
"""


def run(tmp_path, text: str, *args, name="offices.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_offices", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_offices_as_verified(tmp_path):
    out, err = run(tmp_path, GOOD)
    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 with errors." in out
    assert Office.objects.count() == 3
    berlin = Office.objects.get(postal_code_id="13353")
    assert berlin.kind == OfficeKind.IMMIGRATION
    assert berlin.verified is True
    assert berlin.latitude > 52
    assert "Ämter" in err  # the progress bar


def test_it_is_idempotent_by_name_and_postal_code(tmp_path):
    run(tmp_path, GOOD)
    out, _ = run(tmp_path, GOOD)
    assert "0 created, 0 updated, 3 unchanged" in out
    assert Office.objects.count() == 3
    changed = GOOD.replace("Wuhanstraße 6", "Wuhanstraße 8")
    out, _ = run(tmp_path, changed)
    assert "0 created, 1 updated, 2 unchanged" in out
    assert Office.objects.get(postal_code_id="47051").street == "Wuhanstraße 8"


def test_a_dry_run_saves_nothing(tmp_path):
    out, _ = run(tmp_path, GOOD, "--dry-run")
    assert "Dry run, nothing saved: 3 rows: 3 created" in out
    assert Office.objects.count() == 0


def test_it_reports_bad_rows_with_line_numbers_and_imports_the_good_ones(tmp_path):
    text = """Name;Art;Straße;PLZ;Ort
Jobcenter Duisburg Mitte;Jobcenter;Wuhanstraße 6;47051;Duisburg
;Jobcenter;Irgendwo 1;47051;Duisburg
Jobcenter Nirgendwo;Jobcenter;Weg 1;00000;Nirgendwo

"Amt mit
Zeilenumbruch";Raumfahrtamt;Weg 2;47051;Duisburg
Sozialamt Duisburg;Sozialamt;Schwanenstraße 5;47051;Duisburg;zu viel
Sozialamt Prenzlau;Sozialamt;Karl-Marx-Straße 1;17291;Prenzlau
"""
    out, err = run(tmp_path, text)
    assert "6 rows: 2 created, 0 updated, 0 unchanged, 4 with errors." in out
    lines = [line for line in err.splitlines() if line.startswith("line ")]
    assert lines[0] == "line 3: name is empty"
    assert lines[1] == "line 4: Diese Postleitzahl kennen wir nicht."
    assert lines[2].startswith("line 6: unknown kind 'Raumfahrtamt'")
    assert lines[3] == "line 8: more cells than columns in the header"
    assert set(Office.objects.values_list("name", flat=True)) == {"Jobcenter Duisburg Mitte", "Sozialamt Prenzlau"}


def test_it_refuses_a_file_without_the_needed_columns(tmp_path):
    with pytest.raises(CommandError, match="Missing column"):
        run(tmp_path, "name,city\nJobcenter,Duisburg\n")


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_offices", str(tmp_path / "nope.csv"))


def test_the_csv_helper_counts_lines_like_an_editor():
    text = '\ufeffname;note\na;"b\nc"\n\nd;e\n'
    assert [(line, row["name"]) for line, row in iter_csv_rows(io.StringIO(text))] == [(2, "a"), (5, "d")]
