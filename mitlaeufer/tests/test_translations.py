"""The English catalogue: complete, compiled, consistent with the German msgids, and used by the pages.

German is the source language: every msgid is German, English is the translation in
locale/en/LC_MESSAGES/django.po. The compiled .mo is committed, so these tests need no gettext.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"


# --- a tiny .po parser ------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural.get(index, "") for index in range(2)]

    def source_for(self, index: int) -> str:
        return self.msgid if index == 0 or self.msgid_plural is None else self.msgid_plural


KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file without its header; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    current = Entry()
    seen_msgid = False
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, seen_msgid, target
        if seen_msgid:
            entries.append(current)
        current, seen_msgid, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            keyword, index, literal = match.groups()
            text = ast.literal_eval(literal)
            if keyword == "msgstr" and index is not None:
                current.msgstr_plural[int(index)] = text
                target = ("msgstr_plural", int(index))
            else:
                setattr(current, keyword, text)
                target = (keyword, None)
            seen_msgid = seen_msgid or keyword == "msgid"
        elif line.startswith('"') and target is not None:
            text = ast.literal_eval(line)
            name, index = target
            if name == "msgstr_plural":
                current.msgstr_plural[index] += text
            else:
                setattr(current, name, getattr(current, name) + text)
        else:
            raise AssertionError(f"unexpected line in {path.name}: {raw!r}")
    finish()
    return [entry for entry in entries if entry.msgid]  # the header has an empty msgid


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO)


# --- (a) the catalogue ------------------------------------------------------------------------


def test_the_english_catalogue_and_its_compiled_form_are_in_the_repository():
    assert PO.is_file()
    assert MO.is_file()
    assert MO.stat().st_size > 10_000


def test_the_catalogue_holds_the_site_s_strings(entries):
    msgids = {entry.msgid for entry in entries}
    assert len(entries) > 600
    for msgid in ("Begleitung anfragen", "Mitmachen", "Datenschutz", "Impressum", "Mein Amt ist nicht dabei"):
        assert msgid in msgids


def test_every_entry_has_an_english_translation_that_is_not_fuzzy(entries):
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    empty = [entry.msgid for entry in entries if not all(text.strip() for text in entry.translations)]
    assert fuzzy == []
    assert empty == []


def test_plural_entries_have_both_forms(entries):
    plurals = [entry for entry in entries if entry.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def test_translations_keep_placeholders_and_html_tags(entries):
    problems = []
    for entry in entries:
        for index, text in enumerate(entry.translations):
            source = entry.source_for(index)
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append(("placeholders", source, text))
            if sorted(TAG.findall(source)) != sorted(TAG.findall(text)):
                problems.append(("html", source, text))
    assert problems == []


def test_the_compiled_catalogue_matches_the_po_file(entries):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        if entry.msgid_plural is None:
            found = [compiled.gettext(entry.msgid)]
        else:
            found = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
        if found != entry.translations:
            stale.append(entry.msgid)
    assert stale == [], "run `manage.py compilemessages` and commit django.mo"


# --- (b) and (c) the pages in English and, by default, in German -------------------------------

PAGES = {
    "/": {
        "en": [
            "You have to go to a public office? You do not have to go alone.",
            "What is a Beistand (a trusted companion)?",
            "the social welfare office (Sozialamt), the immigration office (Ausländerbehörde)",
            "Mitläufer does not give legal advice.",
        ],
        "de": [
            "Sie müssen zum Amt? Sie müssen nicht allein gehen.",
            "Was ist ein Beistand?",
            "Das Amt darf sie nur in wenigen, im Gesetz genannten Fällen zurückweisen",
            "Mitläufer gibt keine Rechtsberatung.",
        ],
    },
    "/anfrage/": {
        "en": [
            "You have to go to a public office and do not want to go alone?",
            "You only need to fill in the fields marked with *.",
            "One of the two is enough: e-mail or phone.",
            "My office is not in the list",
            "When is your appointment?",
            "Legal advice on social law",
        ],
        "de": [
            "Sie müssen zu einem Amt und möchten nicht allein gehen?",
            "Nur die Felder mit * müssen Sie ausfüllen.",
            "Eins von beiden genügt: E-Mail oder Telefon.",
            "Mein Amt ist nicht dabei",
            "Wann ist Ihr Termin?",
        ],
    },
    "/mitmachen/": {
        "en": [
            "Volunteer: I want to go with people",
            "You do not need to know about laws",
            "Which offices will you go to?",
            "Immigration office (Ausländerbehörde)",
            "I agree that Mitläufer stores my details to suggest me as a companion.",
        ],
        "de": [
            "Mitmachen: Ich möchte begleiten",
            "Sie brauchen kein Wissen über Gesetze",
            "Zu welchen Ämtern gehen Sie mit?",
            "Ich bin einverstanden, dass Mitläufer meine Angaben speichert, um mich als Begleitung vorzuschlagen.",
        ],
    },
}


@pytest.mark.parametrize("path", list(PAGES))
def test_a_page_reads_in_english_after_switching_the_language(client, path):
    response = client.post("/i18n/setlang/", {"language": "en", "next": path}, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    for sentence in PAGES[path]["en"]:
        assert sentence in content
    for sentence in PAGES[path]["de"]:
        assert sentence not in content


@pytest.mark.parametrize("path", list(PAGES))
def test_a_page_reads_in_german_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de">' in content
    for sentence in PAGES[path]["de"]:
        assert sentence in content
    for sentence in PAGES[path]["en"]:
        assert sentence not in content


def test_the_browser_s_language_alone_does_not_turn_a_page_english(client):
    """German is the default; English comes only through the language switcher."""
    content = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="de">' in content
    assert "Ich möchte begleitet werden" in content


def test_mails_follow_the_active_language():
    with translation.override("en"):
        english = render_to_string("matching/email/request_created_subject.txt")
    with translation.override("de"):
        german = render_to_string("matching/email/request_created_subject.txt")
    assert "Your request to Mitläufer has arrived" in english
    assert "Ihre Anfrage bei Mitläufer ist angekommen" in german
