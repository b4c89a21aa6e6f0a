"""Five more languages on the person's path: complete catalogues, right to left, the picker.

Which strings are on the person's path is decided in tools/person_path.py (locale/README.md).
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tools.person_path import PERSON_PATH_LANGUAGES, choice_msgids, on_the_person_s_path

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def person_path_entries(language: str) -> list[polib.POEntry]:
    choices = choice_msgids()
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    return [entry for entry in po if not entry.obsolete and on_the_person_s_path(entry, choices)]


def translations_of(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs; a plural's first form answers to msgid, the others to msgid_plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = sorted(entry.msgstr_plural.items())
    return [(entry.msgid if index == 0 else entry.msgid_plural, text) for index, text in forms]


def test_the_languages_are_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["de", "en", *PERSON_PATH_LANGUAGES]


def test_the_person_s_path_has_its_strings():
    msgids = {entry.msgid for entry in person_path_entries("ar")}
    assert len(msgids) > 250
    for msgid in ("Begleitung anfragen", "Anfrage senden", "Ihre Anfrage bei Mitläufer ist angekommen", "Jobcenter"):
        assert msgid in msgids
    assert "Mitmachen: Ich möchte begleiten" not in msgids  # the volunteers' side


@pytest.mark.parametrize("language", PERSON_PATH_LANGUAGES)
def test_every_string_on_the_person_s_path_is_translated(language):
    untranslated = [
        entry.msgid
        for entry in person_path_entries(language)
        if "fuzzy" in entry.flags or not all(text.strip() for _source, text in translations_of(entry))
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", PERSON_PATH_LANGUAGES)
def test_translations_keep_placeholders_and_markup(language):
    problems = []
    for entry in person_path_entries(language):
        for source, text in translations_of(entry):
            if not text:
                continue
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append(("placeholders", source, text))
            if sorted(TAG.findall(source)) != sorted(TAG.findall(text)):
                problems.append(("markup", source, text))
    assert problems == []


@pytest.mark.parametrize("language", PERSON_PATH_LANGUAGES)
def test_the_catalogue_passes_msgfmt_check_and_its_compiled_form_is_current(language, tmp_path):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed (apt-get install gettext)"
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(compiled), str(po)], check=True, capture_output=True)
    assert compiled.read_bytes() == (po.parent / "django.mo").read_bytes(), "run `make messages` and commit django.mo"


def choose(client, language: str, path: str = "/"):
    return client.post("/i18n/setlang/", {"language": language, "next": path}, follow=True)


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_arabic_and_persian_pages_run_right_to_left_with_bootstrap_s_rtl_build(client, language):
    content = choose(client, language, "/anfrage/").content.decode()
    assert f'<html lang="{language}" dir="rtl">' in content
    assert "bootstrap/css/bootstrap.rtl.min.css" in content
    assert "bootstrap/css/bootstrap.min.css" not in content


@pytest.mark.parametrize("language", ["de", "en", "tr", "uk", "ru"])
def test_the_other_languages_run_left_to_right(client, language):
    content = choose(client, language).content.decode()
    assert f'<html lang="{language}">' in content
    assert "bootstrap/css/bootstrap.min.css" in content


OWN_NAMES = ["Deutsch", "English", "Türkçe", "العربيّة", "Українська", "Русский", "فارسی"]


@pytest.mark.parametrize("path", ["/", "/anfrage/", "/datenschutz/", "/impressum/", "/initiativen/", "/gibt-es-nicht/"])
def test_every_page_offers_every_language_in_its_own_name(client, path):
    content = client.get(path).content.decode()
    picker = content[content.index('class="language-bar') : content.index("</nav>")]
    for name in OWN_NAMES:
        assert f">{name}</button>" in picker
    assert 'action="/i18n/setlang/"' in picker


def test_a_page_reads_in_arabic_after_choosing_it(client):
    content = choose(client, "ar", "/").content.decode()
    assert "اطلب مرافقًا" in content  # "Begleitung anfragen"
    assert "Begleitung anfragen" not in content
    assert 'aria-current="true">العربيّة</button>' in content


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("tr", "Talebiniz Mitläufer'e ulaştı"),
        ("ar", "وصل طلبك إلى Mitläufer"),
        ("uk", "Ваш запит до Mitläufer надійшов"),
    ],
)
def test_the_person_s_mail_speaks_the_person_s_language(language, subject):
    with translation.override(language):
        assert subject in render_to_string("matching/email/request_created_subject.txt")


@pytest.mark.parametrize(
    "path", ["/mitmachen/", "/konto/login/", "/initiativen/eintragen/", "/anfrage/einfach/", "/mitlaeuferliste/"]
)
def test_the_volunteers_and_partners_pages_stay_german_in_the_other_languages(client, path):
    content = choose(client, "ar", path).content.decode()
    assert '<html lang="de">' in content
    assert "bootstrap/css/bootstrap.min.css" in content
    # The person is told why, in their language, and their choice is still marked.
    assert '<p class="alert alert-secondary" id="german-only" lang="ar" dir="rtl">' in content
    assert "هذه الصفحة متوفرة بالألمانية والإنجليزية فقط." in content
    assert 'aria-current="true">العربيّة</button>' in content


def test_the_volunteers_pages_still_speak_english(client):
    content = choose(client, "en", "/mitmachen/").content.decode()
    assert '<html lang="en">' in content
    assert 'id="german-only"' not in content


@pytest.mark.parametrize("path", ["/", "/anfrage/", "/initiativen/", "/datenschutz/", "/gibt-es-nicht/"])
def test_the_person_s_pages_speak_the_chosen_language(client, path):
    content = choose(client, "fa", path).content.decode()
    assert '<html lang="fa" dir="rtl">' in content
    assert 'id="german-only"' not in content
