"""Database helpers every app may use: raw SQL per database vendor, in migrations that Django can show.

``VendorRunSQL`` is a ``RunSQL`` with one list of statements per vendor, so
``manage.py sqlmigrate`` prints exactly what runs on the configured database
(a ``RunPython`` that executes SQL shows up there as an opaque Python step).
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db import migrations, router


def sql_in(values: Iterable[str]) -> str:
    """A parenthesised SQL list of string literals from an enum's values, e.g. ``('asked', 'accepted')``.

    Only for the project's own constants (choices), never for input: the values are quoted, not bound.
    """
    quoted = []
    for value in values:
        text = str(value)
        if "'" in text or "\\" in text:
            raise ValueError(f"not a plain constant: {text!r}")
        quoted.append(f"'{text}'")
    return "(" + ", ".join(quoted) + ")"


class VendorRunSQL(migrations.RunSQL):
    """Run the statements listed for the connection's vendor ("postgresql", "sqlite"); other vendors get none."""

    def __init__(
        self,
        *,
        sql: Mapping[str, Sequence[str]],
        reverse_sql: Mapping[str, Sequence[str]] | None = None,
        **kwargs,
    ) -> None:
        self.sql_by_vendor = {vendor: list(statements) for vendor, statements in sql.items()}
        self.reverse_sql_by_vendor = (
            None if reverse_sql is None else {vendor: list(statements) for vendor, statements in reverse_sql.items()}
        )
        # RunSQL's own lists stay empty; the vendor's list is chosen at run time.
        super().__init__(sql=[], reverse_sql=None if reverse_sql is None else [], **kwargs)

    def deconstruct(self):
        kwargs = {"sql": self.sql_by_vendor}
        if self.reverse_sql_by_vendor is not None:
            kwargs["reverse_sql"] = self.reverse_sql_by_vendor
        if self.hints:
            kwargs["hints"] = self.hints
        return (f"{__name__}.{type(self).__name__}", [], kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self.sql_by_vendor.get(schema_editor.connection.vendor, []))

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if self.reverse_sql_by_vendor is None:
            raise NotImplementedError("You cannot reverse this operation")
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self.reverse_sql_by_vendor.get(schema_editor.connection.vendor, []))

    def describe(self) -> str:
        return "Raw SQL per database vendor: " + ", ".join(sorted(self.sql_by_vendor))
