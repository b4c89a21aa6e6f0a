"""Which strings the person asking for a companion sees: they are translated into every language.

The rule (locale/README.md): a msgid is on the person's path when makemessages found it in one of
PERSON_PATH_SOURCES, or when it labels a choice the person picks or reads (PERSON_PATH_CHOICES).
Every other string belongs to the volunteers' and coordinators' side, which speaks German and
English only: the other catalogues leave it empty, so it reads in German there.
"""

from fnmatch import fnmatch

import polib

PERSON_PATH_LANGUAGES = ("tr", "ar", "uk", "ru", "fa")

PERSON_PATH_SOURCES = (
    "templates/base.html",
    "templates/404.html",
    "templates/500.html",
    "templates/pages/home.html",
    "templates/pages/privacy.html",
    "templates/pages/imprint.html",
    "templates/pages/_error_summary.html",
    "templates/matching/request_*.html",
    "templates/matching/_referral_initiatives.html",
    "templates/matching/email/request_*.txt",
    "templates/matching/email/match_*_requester*.txt",
    "matching/requests/*.py",
    "matching/privacy.py",
    "core/privacy.py",
    "core/spam.py",
    "geo/forms.py",
    "geo/validators.py",
)

# (module, class) of the choices whose labels the person reads in the form, the status page or a mail.
PERSON_PATH_CHOICES = (
    ("directory.choices", "OfficeKind"),
    ("directory.choices", "Language"),
    ("directory.choices", "InitiativeService"),
    ("matching.models.requests", "RequestStatus"),
    ("matching.models.requests", "Purpose"),
    ("matching.models.requests", "PreferredGender"),
    ("matching.models.requests", "ContactChannel"),
)


def choice_msgids() -> set[str]:
    """The German source of every label in PERSON_PATH_CHOICES (needs Django set up)."""
    from importlib import import_module

    from django.utils import translation

    msgids = set()
    with translation.override("de"):
        for module, name in PERSON_PATH_CHOICES:
            choices = getattr(import_module(module), name)
            msgids.update(str(label) for label in choices.labels)
    return msgids


def on_the_person_s_path(entry: polib.POEntry, choices: set[str]) -> bool:
    files = [path for path, _line in entry.occurrences]
    return entry.msgid in choices or any(fnmatch(path, pattern) for path in files for pattern in PERSON_PATH_SOURCES)
