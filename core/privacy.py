"""The register of personal data: every stored field, what kind of data it holds, how long, and why.

Each app declares its own tables in ``<app>/privacy.py`` by calling ``register``;
third-party tables that hold our users' data are declared by the app that uses
them (allauth's e-mail addresses by volunteers) or here in ``core.privacy_tables``.
The purge, the volunteer's export and the privacy page all read this register,
and a test walks every concrete model and fails for any field it does not
classify, so a new field cannot slip past them.

Core imports no app: entries name models by label and owners by lookup path.
"""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class FieldClass(StrEnum):
    PERSONAL = "personal"  # names a person or describes them (e-mail, phone, languages)
    PERSONAL_TEXT = "personal_text"  # free text a person or a coordinator typed: may hold anything
    PSEUDONYMOUS = "pseudonymous"  # keys and links to a person (ids, tokens), nothing readable
    NOT_PERSONAL = "not_personal"


PERSONAL_CLASSES = (FieldClass.PERSONAL, FieldClass.PERSONAL_TEXT)


class Erase(StrEnum):
    BLANK = "blank"  # the personal fields are blanked, the row stays for statistics
    DELETE = "delete"  # the rows go
    CASCADE = "cascade"  # the rows go with the row they belong to (the account, the request)
    KEEP = "keep"  # nothing personal to erase, or erased by a rule of its own (see the entry's note)


@dataclass(frozen=True)
class Section:
    """A part of the privacy page: whose data (volunteers, people asking, …)."""

    key: str
    title: Any  # a lazy translation
    order: int


@dataclass(frozen=True)
class Retention:
    """How long data stays: ``days_setting`` days (or none) after the event ``event``."""

    event: str  # a stable key, part of the register's hash
    text: Any  # lazy translation; may use %(days)s
    days_setting: str | None = None

    def describe(self) -> str:
        days = getattr(settings, self.days_setting) if self.days_setting else None
        return str(self.text) % {"days": days} if days is not None else str(self.text)


@dataclass(frozen=True)
class Entry:
    """One table: its fields by class, whose data it is, why, who sees it, how long, how it is erased.

    ``owners`` maps an owner kind ("volunteer", "request") to the lookup path from
    this model to the owner's primary key; the export and the erasure of that
    owner reach the rows through it. ``secret`` fields (password hashes, link
    tokens) never leave in an export. ``all_fields`` classifies every field of a
    third-party table at once.
    """

    model: str
    section: Section
    purpose: Any
    recipients: Any
    retention: Retention
    personal: tuple[str, ...] = ()
    personal_text: tuple[str, ...] = ()
    pseudonymous: tuple[str, ...] = ()
    not_personal: tuple[str, ...] = ()
    all_fields: FieldClass | None = None
    owners: dict[str, str] = field(default_factory=dict)
    erase: Erase = Erase.KEEP
    secret: tuple[str, ...] = ()
    # Readable values for the export (bit masks as labels); not part of the hash.
    formatters: dict[str, Callable[[Any], Any]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def classes(self) -> dict[str, FieldClass]:
        if self.all_fields is not None:
            return {f.name: self.all_fields for f in self.model_class._meta.concrete_fields}
        named = {
            FieldClass.PERSONAL: self.personal,
            FieldClass.PERSONAL_TEXT: self.personal_text,
            FieldClass.PSEUDONYMOUS: self.pseudonymous,
            FieldClass.NOT_PERSONAL: self.not_personal,
        }
        return {name: cls for cls, names in named.items() for name in names}

    def personal_fields(self) -> list[str]:
        return [name for name, cls in self.classes().items() if cls in PERSONAL_CLASSES]

    @property
    def holds_personal_data(self) -> bool:
        return any(cls != FieldClass.NOT_PERSONAL for cls in self.classes().values())


# The sections every app may use; an app with people of its own adds a section in its privacy module.
OPERATIONS = Section("operations", _("Technik und Verwaltung"), order=90)

_REGISTER: dict[str, Entry] = {}
_discovered = False


def register(*entries: Entry) -> None:
    for entry in entries:
        if entry.model.lower() in _REGISTER:
            raise ValueError(f"{entry.model} is registered twice")
        _REGISTER[entry.model.lower()] = entry


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        # core.privacy_tables (third-party tables nobody else declares) is imported in CoreConfig.ready().
        autodiscover_modules("privacy")


def entries() -> list[Entry]:
    _discover()
    return sorted(_REGISTER.values(), key=lambda entry: (entry.section.order, entry.model))


def entry_for(model: type[models.Model]) -> Entry | None:
    _discover()
    return _REGISTER.get(model._meta.label_lower)


def unclassified_fields() -> list[str]:
    """``app.Model.field`` for every concrete field of every installed model the register does not classify."""
    missing = []
    for model in apps.get_models(include_auto_created=True):
        entry = entry_for(model)
        classes = entry.classes() if entry else {}
        missing += [f"{model._meta.label}.{f.name}" for f in model._meta.concrete_fields if f.name not in classes]
    return missing


def unknown_fields() -> list[str]:
    """Register names that are no field (a typo, or a field that was removed)."""
    unknown = []
    for entry in entries():
        names = {f.name for f in entry.model_class._meta.concrete_fields}
        unknown += [f"{entry.model}.{name}" for name in entry.classes() if name not in names]
    return unknown


def classified_field_count() -> int:
    return sum(len(entry.classes()) for entry in entries())


def register_digest() -> str:
    """A hash of everything the privacy page promises: classes, owners, erasure, retention, purposes."""
    with translation.override(None):  # the German source text: a changed promise is a changed policy
        canonical = [
            {
                "model": entry.model,
                "section": entry.section.key,
                "fields": sorted(entry.classes().items()),
                "owners": sorted(entry.owners.items()),
                "erase": entry.erase,
                "secret": sorted(entry.secret),
                "retention": [entry.retention.event, entry.retention.days_setting, str(entry.retention.text)],
                "purpose": str(entry.purpose),
                "recipients": str(entry.recipients),
            }
            for entry in entries()
        ]
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


# --- Erasing ------------------------------------------------------------------------------------------------


def blank_value(model_field: models.Field) -> Any:
    """What an erased field holds: NULL where allowed, else the empty value of its type."""
    if model_field.null:
        return None
    if isinstance(model_field, models.JSONField):
        default = model_field.get_default()
        return type(default)() if isinstance(default, list | dict) else {}
    if isinstance(model_field, models.BooleanField):
        return False
    if isinstance(model_field, models.IntegerField | models.FloatField):
        return 0
    return ""


def blank_values(entry: Entry) -> dict[str, Any]:
    meta = entry.model_class._meta
    return {name: blank_value(meta.get_field(name)) for name in entry.personal_fields()}


def owner_erase(*, owner: str, keys: Iterable[int]) -> dict[str, int]:
    """Erase what every registered table holds for these owners: blank or delete; return rows per model.

    Idempotent: blanking rows already blank changes them again to the same values,
    deleting rows already gone finds none. Entries erased by cascade or by a rule of
    their own are left to the caller.
    """
    keys = list(keys)
    done: dict[str, int] = {}
    for entry in entries():
        path = entry.owners.get(owner)
        if path is None or entry.erase in (Erase.CASCADE, Erase.KEEP):
            continue
        rows = entry.model_class._base_manager.filter(**{f"{path}__in": keys})
        if entry.erase == Erase.DELETE:
            done[entry.model] = rows.delete()[0]
        elif values := blank_values(entry):
            done[entry.model] = rows.update(**values)
    return done


# --- Export -------------------------------------------------------------------------------------------------


def _exportable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def owner_export(*, owner: str, key: int) -> dict[str, list[dict[str, Any]]]:
    """Every row every registered table holds for one owner, all classified fields but secrets, by model label."""
    records: dict[str, list[dict[str, Any]]] = {}
    for entry in entries():
        path = entry.owners.get(owner)
        if path is None:
            continue
        names = [name for name in entry.classes() if name not in entry.secret]
        meta = entry.model_class._meta
        columns = [meta.get_field(name).attname for name in names]
        rows = entry.model_class._base_manager.filter(**{path: key}).order_by("pk").values_list(*columns)
        records[entry.model] = [
            {
                name: entry.formatters[name](value) if name in entry.formatters else _exportable(value)
                for name, value in zip(names, row, strict=True)
            }
            for row in rows
        ]
    return records


# --- The admin's history ------------------------------------------------------------------------------------


def admin_history_erase(*, model: type[models.Model], pks: Iterable[Any]) -> int:
    """Empty the admin's history entries about these rows; return how many.

    A LogEntry keeps the object's name and the change message after the object's
    data is erased (an office's name, an inline's description). Who changed what
    kind of row when stays, so the history remains an audit trail.
    """
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Value
    from django.db.models.functions import Concat

    object_ids = [str(pk) for pk in pks]
    if not object_ids:
        return 0
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    audit_trail_erase(content_type=content_type, object_ids=object_ids)
    return LogEntry.objects.filter(content_type=content_type, object_id__in=object_ids).update(
        object_repr=Concat(Value("#"), "object_id"), change_message=""
    )


def audit_actor_erase(*, user_id: int) -> int:
    """An account that goes: the audit trail keeps its entries without the person as actor.

    Runs after the account's rows are deleted, because deleting them is itself
    recorded, with the departing user as actor (a volunteer erasing themselves).
    """
    from auditlog.models import LogEntry as AuditEntry

    return AuditEntry.objects.filter(actor_id=user_id).update(actor=None, actor_email="")


def audit_trail_erase(*, content_type, object_ids: list[str]) -> int:
    """Empty what the audit trail (django-auditlog) recorded of these rows' values; who, when and what kind stay."""
    from auditlog.models import LogEntry as AuditEntry
    from django.db.models import Value
    from django.db.models.functions import Concat

    return AuditEntry.objects.filter(content_type=content_type, object_pk__in=object_ids).update(
        object_repr=Concat(Value("#"), "object_pk"),
        changes=None,
        changes_text="",
        serialized_data=None,
        additional_data=None,
    )


# --- The privacy page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageItem:
    title: str
    stored: list[str]
    purpose: str
    recipients: str
    retention: str


def page_sections() -> list[tuple[Section, list[PageItem]]]:
    """The privacy page's content, read from the register in the active language: tables without people are left out."""
    sections: dict[str, tuple[Section, list[PageItem]]] = {}
    for entry in entries():
        if not entry.holds_personal_data:
            continue
        meta = entry.model_class._meta
        stored = [str(meta.get_field(name).verbose_name) for name in entry.personal_fields()]
        sections.setdefault(entry.section.key, (entry.section, []))[1].append(
            PageItem(
                title=str(meta.verbose_name_plural),
                stored=stored or [str(_("nur Nummern und Schlüssel, nichts Lesbares"))],
                purpose=str(entry.purpose),
                recipients=str(entry.recipients),
                retention=entry.retention.describe(),
            )
        )
    return sorted(sections.values(), key=lambda pair: pair[0].order)


def _readable(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nein"))
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def export_readable(records: dict[str, list[dict[str, Any]]]) -> list[tuple[str, list[list[tuple[str, Any]]]]]:
    """The export for people: per table its name, per row (field name, value) pairs in the active language."""
    readable = []
    for label, rows in records.items():
        meta = apps.get_model(label)._meta
        readable.append(
            (
                str(meta.verbose_name_plural),
                [[(str(meta.get_field(n).verbose_name), _readable(v)) for n, v in row.items()] for row in rows],
            )
        )
    return readable
