"""Which strings the person asking for a companion sees: they are translated into every language.

The rule (locale/README.md): a msgid is on the person's path when makemessages found it in one of
PERSON_PATH_SOURCES, when it labels a choice the person picks or reads (PERSON_PATH_CHOICES), or
when it is listed in PERSON_PATH_MSGIDS. Every other string belongs to the volunteers', partners'
and coordinators' side, which speaks German and English only: the other catalogues leave it empty,
and those pages render in German (settings.GERMAN_ENGLISH_ONLY_PATHS).
"""

from fnmatch import fnmatch

import polib

PERSON_PATH_LANGUAGES = ("tr", "ar", "uk", "ru", "fa")

PERSON_PATH_SOURCES = (
    "templates/base.html",
    "templates/404.html",
    "templates/500.html",
    "templates/403_csrf.html",
    "templates/pages/home.html",
    "templates/pages/privacy.html",
    "templates/pages/imprint.html",
    "templates/pages/_error_summary.html",
    "templates/matching/request_*.html",
    "templates/matching/_referral_initiatives.html",
    "templates/matching/_status_link.html",
    # "Alle Initiativen ansehen" on the status page leads to the public directory of counselling.
    "templates/directory/initiative_list.html",
    "templates/_pagination.html",
    "templates/directory/initiative_detail.html",
    "directory/filters.py",
    "templates/matching/email/request_*.txt",
    "templates/matching/email/match_*_requester*.txt",
    "matching/requests/*.py",
    "matching/privacy.py",
    "core/privacy.py",
    "core/spam.py",
    "core/phone.py",
    "geo/forms.py",
    "geo/validators.py",
)

# Files inside those patterns that only coordinators read (the admin's work queues).
PERSON_PATH_EXCLUDED = (
    "matching/requests/queues.py",
    # The map of where volunteers live and where nobody was found: the admin and the public Mitläuferliste.
    "matching/requests/region_map.py",
)

# (module, class) of the choices whose labels the person reads in the form, the status page or a mail.
PERSON_PATH_CHOICES = (
    ("directory.choices", "OfficeKind"),
    ("directory.choices", "Language"),
    ("directory.choices", "InitiativeService"),
    ("directory.choices", "InitiativeReach"),
    ("matching.models.requests", "RequestStatus"),
    ("matching.models.requests", "Purpose"),
    ("matching.models.requests", "PreferredGender"),
    ("matching.models.requests", "ContactChannel"),
)

# Single strings from files that mostly serve the other side: the public directory's search form
# (directory/forms.py also holds the initiatives' own form).
PERSON_PATH_MSGIDS = (
    "Postleitzahl oder Ort",
    "z. B. 47051 oder Duisburg",
    "Umkreis",
    "%(km)s km",
    "Diesen Ort kennen wir nicht. Bitte suchen Sie mit der Postleitzahl.",
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
    return msgids | set(PERSON_PATH_MSGIDS)


def on_the_person_s_path(entry: polib.POEntry, choices: set[str]) -> bool:
    files = [path for path, _line in entry.occurrences if path not in PERSON_PATH_EXCLUDED]
    return entry.msgid in choices or any(fnmatch(path, pattern) for path in files for pattern in PERSON_PATH_SOURCES)
