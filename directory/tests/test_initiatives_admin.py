"""Coordination: the 18-month flag, the yearly reminder, the CSV export and import_initiatives."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.bitmask import to_mask
from core.csv_export import csv_cell
from directory import initiative_mails
from directory import initiative_selectors as selectors
from directory.choices import InitiativeReach, InitiativeService, InitiativeState, Language
from directory.models import Initiative
from directory.tests.initiative_factories import InitiativeFactory, online_initiative

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:directory_initiative_changelist")
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


def ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


# --- The 18-month flag ----------------------------------------------------------------


def test_months_before_counts_calendar_months():
    assert selectors.months_before(NOW, 18) == datetime.datetime(2025, 5, 25, 10, 0, tzinfo=datetime.UTC)
    assert selectors.months_before(NOW.replace(month=8, day=31), 6) == NOW.replace(month=2, day=28)
    assert selectors.months_before(NOW, 12) == NOW.replace(year=2025)


def test_the_admin_flags_entries_unconfirmed_for_18_months(admin_client):
    InitiativeFactory(name="Frisch", last_confirmed_at=ago(days=30))
    InitiativeFactory(name="Knapp", last_confirmed_at=ago(days=540))
    InitiativeFactory(name="Alt", last_confirmed_at=ago(days=560))
    InitiativeFactory(name="Eingereicht", state=InitiativeState.SUBMITTED, last_confirmed_at=ago(days=900))

    flagged = admin_client.get(CHANGELIST, {"unbestaetigt": "ja"})
    fine = admin_client.get(CHANGELIST, {"unbestaetigt": "nein"})
    listing = admin_client.get(CHANGELIST)

    assert [row.name for row in flagged.context["cl"].result_list] == ["Alt"]
    assert sorted(row.name for row in fine.context["cl"].result_list) == ["Eingereicht", "Frisch", "Knapp"]
    stale = {row.name: row.stale for row in listing.context["cl"].result_list}
    assert stale == {"Frisch": False, "Knapp": False, "Alt": True, "Eingereicht": False}
    assert "seit 18 Monaten unbestätigt" in listing.content.decode()


def test_the_admin_filters_by_service(admin_client):
    InitiativeFactory(name="Schulden", services=to_mask([InitiativeService.DEBT, InitiativeService.FOOD]))
    InitiativeFactory(name="Tafel", services=to_mask([InitiativeService.FOOD]))

    response = admin_client.get(CHANGELIST, {"angebot": str(InitiativeService.DEBT)})

    assert [row.name for row in response.context["cl"].result_list] == ["Schulden"]


def test_a_coordinator_can_add_an_entry_with_a_generated_slug(admin_client):
    response = admin_client.post(
        reverse("admin:directory_initiative_add"),
        {
            "name": "Tafel Prenzlau",
            "slug": "",
            "description": "Lebensmittel für alle.",
            "services": [str(InitiativeService.FOOD)],
            "languages": [str(Language.GERMAN)],
            "reach": InitiativeReach.LOCAL,
            "street": "",
            "postal_code": "17291",
            "city": "Prenzlau",
            "radius_km": "30",
            "website": "",
            "email": "",
            "phone": "",
            "opening_hours": "",
            "accessibility": "",
            "contact_email": "tafel@prenzlau.example",
        },
    )

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.slug, initiative.state) == ("tafel-prenzlau", InitiativeState.SUBMITTED)
    assert initiative.latitude is not None


# --- "Stimmt Ihr Eintrag noch?" ------------------------------------------------------


def test_the_yearly_reminder_asks_entries_confirmed_a_year_ago(client, django_capture_on_commit_callbacks):
    due = InitiativeFactory(name="Fällig", last_confirmed_at=ago(days=370))
    InitiativeFactory(name="Frisch", last_confirmed_at=ago(days=300))
    InitiativeFactory(name="Schon gefragt", last_confirmed_at=ago(days=700), reminded_at=ago(days=100))
    again = InitiativeFactory(name="Wieder fällig", last_confirmed_at=ago(days=800), reminded_at=ago(days=370))
    InitiativeFactory(name="Archiviert", state=InitiativeState.ARCHIVED, last_confirmed_at=ago(days=800))
    InitiativeFactory(name="Eingereicht", state=InitiativeState.SUBMITTED, last_confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        initiative_mails.remind_unconfirmed.delay()

    assert sorted(message.to[0] for message in mail.outbox) == sorted([due.contact_email, again.contact_email])
    message = next(message for message in mail.outbox if message.to == [due.contact_email])
    assert message.subject == "[Mitläufer] Stimmt Ihr Eintrag noch?"
    link = re.search(r"https?://[^/]+(/\S+/bearbeiten/\S+/)", message.body).group(1)
    assert client.get(link).status_code == 200
    due.refresh_from_db()
    assert timezone.now() - due.reminded_at < datetime.timedelta(minutes=1)


def test_the_yearly_reminder_is_idempotent(django_capture_on_commit_callbacks):
    InitiativeFactory(last_confirmed_at=ago(days=400))

    with django_capture_on_commit_callbacks(execute=True):
        first = initiative_mails.initiatives_remind_unconfirmed()
        second = initiative_mails.initiatives_remind_unconfirmed()
        initiative_mails.remind_unconfirmed.delay()

    assert (first, second, len(mail.outbox)) == (1, 0, 1)


def test_a_confirmed_entry_is_not_asked_again_for_a_year(client):
    initiative = InitiativeFactory(last_confirmed_at=ago(days=400))
    initiative_mails.initiatives_remind_unconfirmed()
    client.post(
        reverse(
            "directory:initiative_edit",
            kwargs={"slug": initiative.slug, "token": selectors.edit_token_make(initiative=initiative)},
        ),
        {"confirm": "1"},
    )

    later = timezone.now() + datetime.timedelta(days=300)
    year_later = timezone.now() + datetime.timedelta(days=370)

    assert initiative_mails.initiatives_remind_unconfirmed(now=later) == 0
    assert initiative_mails.initiatives_remind_unconfirmed(now=year_later) == 1


def test_the_reminder_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["initiatives-remind-unconfirmed"]

    assert entry["task"] == initiative_mails.remind_unconfirmed.name


# --- CSV export ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+49 203 000", "'+49 203 000"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("  =1+1", "'  =1+1"),
        ("＝1+1", "'＝1+1"),
        ("Tafel = Essen", "Tafel = Essen"),
        ("", ""),
        (None, ""),
        (15, "15"),
    ],
)
def test_csv_cells_are_neutralised(value, cell):
    assert csv_cell(value) == cell


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_admin_exports_initiatives_as_neutralised_csv(admin_client):
    bad = InitiativeFactory(name="=cmd|' /C calc'!A0", phone="+49 203 000", description="@bad", slug="bad")
    online_initiative(name="Online", slug="online", services=to_mask([InitiativeService.DEBT, InitiativeService.OTHER]))

    response = admin_client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [bad.pk]})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:3] == ["name", "slug", "state"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["phone"] == "'+49 203 000"
    assert row["description"] == "'@bad"
    assert row["services"] == "Sozialberatung"
    for cell in rows[0]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_an_export_can_be_imported_again(admin_client, tmp_path):
    InitiativeFactory(
        name="-Minus Initiative",
        phone="+49 30 000",
        services=to_mask([InitiativeService.DEBT, InitiativeService.OTHER]),
        languages=to_mask([Language.GERMAN, Language.FARSI]),
    )
    response = admin_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": list(Initiative.objects.values_list("pk", flat=True))}
    )
    path = tmp_path / "export.csv"
    path.write_bytes(response.content)
    Initiative.objects.all().delete()

    call_command("import_initiatives", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    initiative = Initiative.objects.get()
    assert (initiative.name, initiative.phone) == ("-Minus Initiative", "+49 30 000")
    assert initiative.services == to_mask([InitiativeService.DEBT, InitiativeService.OTHER])
    assert initiative.languages == to_mask([Language.GERMAN, Language.FARSI])


# --- import_initiatives ------------------------------------------------------------------

GOOD_AND_BAD = (
    "Name;Beschreibung;Angebote;Sprachen;PLZ;Ort;Reichweite;Umkreis;contact_email\n"
    "Tafel Duisburg;Essen für alle;Lebensmittel / Tafel;Deutsch, Türkisch;47051;Duisburg;lokal;10;a@tafel.example\n"
    "Ohne Angebot;Text;;Deutsch;47051;Duisburg;lokal;10;b@x.example\n"
    "Falsche PLZ;Text;Sozialberatung;;00000;Nirgends;lokal;10;c@x.example\n"
    "Hotline;Beratung am Telefon;Rechtsberatung Sozialrecht | Sozialberatung;Deutsch;;;online;;d@hotline.example\n"
    '"Mehrzeilig";"Zeile eins\nZeile zwei";Sonstiges;Deutsch;47051;Duisburg;lokal;kein;e@x.example\n'
    "Unbekannt;Text;Yoga;Deutsch;47051;Duisburg;lokal;10;f@x.example\n"
)


def run_import(tmp_path, text: str, *args) -> tuple[str, str]:
    path = tmp_path / "initiativen.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_initiatives", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_import_reports_bad_rows_with_their_line_numbers(tmp_path):
    out, err = run_import(tmp_path, GOOD_AND_BAD, "--no-progress")

    assert sorted(Initiative.objects.values_list("name", flat=True)) == ["Hotline", "Tafel Duisburg"]
    lines = [int(number) for number in re.findall(r"line (\d+):", err)]
    assert lines == [3, 4, 6, 8]
    assert "line 4: unknown postal code '00000'" in err
    assert "line 6: radius_km must be a whole number" in err
    assert "line 8: services: unknown value 'Yoga'" in err
    assert "6 rows: 2 created, 0 updated, 0 unchanged, 4 with errors." in out
    tafel = Initiative.objects.get(name="Tafel Duisburg")
    assert tafel.state == InitiativeState.SUBMITTED
    assert tafel.languages == to_mask([Language.GERMAN, Language.TURKISH])
    assert Initiative.objects.get(name="Hotline").reach == InitiativeReach.ONLINE


def test_the_import_dry_run_saves_nothing(tmp_path):
    out, err = run_import(tmp_path, GOOD_AND_BAD, "--dry-run", "--no-progress")

    assert not Initiative.objects.exists()
    assert "Dry run, nothing saved: 6 rows: 2 created" in out
    assert "line 3:" in err


def test_the_import_is_idempotent_and_can_publish(tmp_path):
    run_import(tmp_path, GOOD_AND_BAD, "--no-progress", "--publish")
    out, _ = run_import(tmp_path, GOOD_AND_BAD, "--no-progress", "--publish")

    assert Initiative.objects.count() == 2
    assert set(Initiative.objects.values_list("state", flat=True)) == {InitiativeState.PUBLISHED}
    assert "0 created, 0 updated, 2 unchanged" in out
    assert mail.outbox == []


def test_the_import_shows_a_progress_bar(tmp_path):
    _, err = run_import(tmp_path, GOOD_AND_BAD)

    assert "Initiativen" in err
    assert "6/6" in err


def test_the_import_refuses_a_file_without_the_required_columns(tmp_path):
    with pytest.raises(CommandError, match="contact_email"):
        run_import(tmp_path, "name;description;services\nA;B;Sonstiges\n")


# --- Demo data ----------------------------------------------------------------------------


def test_the_demo_initiatives_load_once_and_are_searchable(client):
    from directory.demo import DEMO_INITIATIVES, initiatives_load_demo

    assert initiatives_load_demo() == len(DEMO_INITIATIVES)
    assert initiatives_load_demo() == len(DEMO_INITIATIVES)
    assert Initiative.objects.count() == len(DEMO_INITIATIVES)
    assert mail.outbox == []

    for place in ("47051", "Berlin", "München", "Prenzlau"):
        response = client.get(reverse("directory:initiative_list"), {"ort": place, "umkreis": "25"})
        local = [initiative for initiative in response.context["page"].object_list if initiative.is_local]
        assert local, place
    stale = Initiative.objects.filter(selectors.stale_condition())
    assert list(stale.values_list("name", flat=True)) == ["Selbsthilfe Uckermark"]
