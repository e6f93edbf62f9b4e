"""The migration contract every service with a database inherits (issue 4, "Safe schema
changes"): subclass :class:`MigrationContract` in the service's ``tests/test_migrations.py``
and name its ``alembic.ini``.

The tests run on an empty throwaway database of the suite's backend (PostgreSQL when
``FAZHI_TEST_POSTGRES_URL`` is set, else SQLite: see :mod:`shared.testing`), so CI's two
runs of ``make test`` cover both. They check that

- the history has one base and one head;
- ``upgrade head``, ``downgrade base``, ``upgrade head`` works, leaves nothing but
  ``alembic_version`` at base and builds the same schema twice;
- every revision, one at a time, goes up, down and up again, and its downgrade restores
  exactly the schema of the revision before (tables, columns, keys, indexes, CHECKs);
- the models and the migrated schema do not differ (alembic's autogenerate comparison,
  run through the service's own ``migrations/env.py``, so with its target metadata and
  compare options: what ``alembic check`` reports);
- every CHECK constraint the models declare (named ones and those of ``Enum(...,
  create_constraint=True)`` columns) exists in the migrated schema with every value the
  models allow, and no other: SQLite batch migrations recreate tables and lose a CHECK
  they do not know by name.

New revisions are picked up as they appear: the tests read the history, not a list.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from pprint import pformat
from typing import Any, ClassVar, TypeVar

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy.engine import Connection

from shared.db import create_engine, read_only
from shared.testing import throwaway_database

T = TypeVar("T")

VERSION_TABLE = "alembic_version"


# --- Running alembic and reading a database from a test -----------------------------------


def _in_thread(fn: Callable[[], T]) -> T:
    """``fn()`` on a thread of its own: env.py calls ``asyncio.run``, which a running loop
    (pytest-asyncio's) would refuse."""
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(fn())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def alembic_config(alembic_ini: Path, url: str) -> Config:
    """The service's Alembic config aimed at ``url`` (env.py reads the URL from its attributes)."""
    config = Config(str(alembic_ini))
    config.attributes["database_url"] = url
    return config


def script_directory(alembic_ini: Path) -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(str(alembic_ini)))


def revisions_in_order(alembic_ini: Path) -> list[Script]:
    """Every revision from the base to the head (each after the ones it revises)."""
    return list(reversed(list(script_directory(alembic_ini).walk_revisions())))


def _parents(script: Script) -> set[str]:
    """The revisions ``script`` revises (several for a merge, none for the base)."""
    down = script.down_revision
    if down is None:
        return set()
    return {down} if isinstance(down, str) else set(down)


def upgrade(config: Config, revision: str = "head") -> None:
    _in_thread(lambda: command.upgrade(config, revision))


def downgrade(config: Config, revision: str = "base") -> None:
    _in_thread(lambda: command.downgrade(config, revision))


def on_connection(url: str, fn: Callable[[Connection], T]) -> T:
    """``fn(connection)`` on a read-only connection to ``url``."""

    async def run() -> T:
        engine = create_engine(url)
        try:
            async with read_only(engine).connect() as connection:
                return await connection.run_sync(fn)
        finally:
            await engine.dispose()

    return _in_thread(lambda: asyncio.run(run()))


def current_revisions(url: str) -> set[str]:
    def read(connection: Connection) -> set[str]:
        if not sa.inspect(connection).has_table(VERSION_TABLE):
            return set()
        return set(MigrationContext.configure(connection).get_current_heads())

    return on_connection(url, read)


# --- What the schema is ---------------------------------------------------------------------


def _sql(text: object) -> str:
    """SQL text with its whitespace made comparable."""
    return re.sub(r"\s+", " ", str(text)).strip()


def _sorted(items: Iterator[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(items, key=repr)


def schema_snapshot(connection: Connection) -> dict[str, Any]:
    """Everything a migration builds, as plain values that compare equal when the schemas
    are the same: per table its columns, primary key, foreign keys, indexes, UNIQUE and
    CHECK constraints (``alembic_version`` aside); on PostgreSQL also the enum types and
    sequences."""
    inspector = sa.inspect(connection)
    tables: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == VERSION_TABLE:
            continue
        pk = inspector.get_pk_constraint(table)
        tables[table] = {
            "columns": {
                column["name"]: (
                    _sql(column["type"]),
                    column["nullable"],
                    _sql(column["default"]) if column.get("default") else None,
                )
                for column in inspector.get_columns(table)
            },
            "primary key": (pk.get("name"), tuple(pk["constrained_columns"])),
            "foreign keys": _sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    tuple(sorted((fk.get("options") or {}).items())),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": _sorted(
                (index["name"], tuple(index["column_names"]), index["unique"])
                for index in inspector.get_indexes(table)
            ),
            "unique constraints": _sorted(
                (unique["name"], tuple(unique["column_names"]))
                for unique in inspector.get_unique_constraints(table)
            ),
            "check constraints": _sorted(
                (check["name"], _sql(check["sqltext"]))
                for check in inspector.get_check_constraints(table)
            ),
        }
    snapshot: dict[str, Any] = {"tables": tables}
    if connection.dialect.name == "postgresql":
        snapshot["enum types"] = sorted(
            enum["name"]
            for enum in inspector.get_enums()  # type: ignore[attr-defined]
        )
        snapshot["sequences"] = sorted(inspector.get_sequence_names())
    return snapshot


def snapshot_differences(
    expected: Mapping[str, Any], actual: Mapping[str, Any]
) -> list[str]:
    """What differs between two :func:`schema_snapshot` results, one line per difference."""
    out: list[str] = []
    tables_a, tables_b = expected["tables"], actual["tables"]
    out.extend(f"table {t} missing" for t in sorted(tables_a.keys() - tables_b.keys()))
    out.extend(
        f"table {t} unexpected" for t in sorted(tables_b.keys() - tables_a.keys())
    )
    for table in sorted(tables_a.keys() & tables_b.keys()):
        for part, want in tables_a[table].items():
            got = tables_b[table][part]
            if want == got:
                continue
            if isinstance(want, dict):  # columns: name the columns that differ
                for column in sorted(want.keys() | got.keys()):
                    if want.get(column) != got.get(column):
                        out.append(
                            f"{table} column {column}: expected {want.get(column)!r},"
                            f" found {got.get(column)!r}"
                        )
            elif isinstance(want, list):
                out.extend(
                    f"{table} {part}: missing {x!r}" for x in want if x not in got
                )
                out.extend(
                    f"{table} {part}: unexpected {x!r}" for x in got if x not in want
                )
            else:
                out.append(f"{table} {part}: expected {want!r}, found {got!r}")
    for part in expected.keys() - {"tables"}:
        if expected[part] != actual.get(part):
            out.append(
                f"{part}: expected {expected[part]!r}, found {actual.get(part)!r}"
            )
    return out


def application_tables(url: str) -> list[str]:
    """The tables of ``url`` other than ``alembic_version``."""

    def read(connection: Connection) -> list[str]:
        names = sa.inspect(connection).get_table_names()
        return sorted(n for n in names if n != VERSION_TABLE)

    return on_connection(url, read)


# --- The models against the migrated schema -------------------------------------------------


def target_metadata_and_drift(config: Config) -> tuple[sa.MetaData, list[Any]]:
    """Run the service's ``migrations/env.py`` the way ``alembic check`` does and return its
    target metadata and ``compare_metadata``'s differences between it and the database
    (empty when every model change has its migration).

    env.py configures the migration context, so the comparison uses exactly its compare
    options (``compare_type``, any ``include_object``...)."""
    script = ScriptDirectory.from_config(config)
    found: dict[str, Any] = {}

    def compare(_revision: Any, context: MigrationContext) -> list[Any]:
        metadata = context.opts["target_metadata"]
        found["metadata"] = metadata
        found["diffs"] = compare_metadata(context, metadata)
        return []

    def run() -> None:
        with EnvironmentContext(config, script, fn=compare, as_sql=False):
            script.run_env()

    _in_thread(run)
    return found["metadata"], list(found["diffs"])


# --- CHECK constraints ----------------------------------------------------------------------

_NAMED_CHECK = re.compile(
    r"""CONSTRAINT\s+("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[\w$]+)\s+CHECK\s*\(""",
    re.IGNORECASE,
)
_ANY_CHECK = re.compile(r"\bCHECK\s*\(", re.IGNORECASE)
_LITERAL = re.compile(r"'((?:[^']|'')*)'")


def _unquote(name: str) -> str:
    if name[:1] in {'"', "`", "["}:
        return name[1:-1].replace('""', '"')
    return name


def _parenthesised(sql: str, start: int) -> str:
    """The text from ``start`` (just after an opening parenthesis) to its closing one."""
    depth, i, quote = 1, start, ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return sql[start:i]
        i += 1
    raise ValueError(f"unbalanced parentheses in {sql!r}")


def sqlite_check_constraints(create_table_sql: str) -> tuple[dict[str, str], int]:
    """The named CHECK constraints of a SQLite ``CREATE TABLE`` statement (name -> SQL) and
    how many CHECKs it has without a name."""
    named = {
        _unquote(m.group(1)): _parenthesised(create_table_sql, m.end())
        for m in _NAMED_CHECK.finditer(create_table_sql)
    }
    return named, len(_ANY_CHECK.findall(create_table_sql)) - len(named)


def database_check_constraints(
    connection: Connection,
) -> dict[str, tuple[dict[str, str], int]]:
    """Per table: its named CHECK constraints (name -> SQL) and the number of unnamed ones.

    SQLite: read from the ``CREATE TABLE`` statements in ``sqlite_master`` (what a batch
    migration really left there); PostgreSQL: the inspector (where every CHECK has a name,
    PostgreSQL's own when the migration gave none)."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        )
        return {name: sqlite_check_constraints(sql or "") for name, sql in rows}
    inspector = sa.inspect(connection)
    return {
        table: (
            {
                str(check["name"]): str(check["sqltext"])
                for check in inspector.get_check_constraints(table)
            },
            0,
        )
        for table in inspector.get_table_names()
    }


def check_constraint_problems(
    metadata: sa.MetaData, connection: Connection
) -> list[str]:
    """How the migrated schema's CHECK constraints differ from the models': missing, missing
    a value the model allows, unnamed, or left over."""
    found = database_check_constraints(connection)
    preparer = connection.dialect.identifier_preparer
    problems: list[str] = []
    for table in metadata.sorted_tables:
        if table.name not in found:
            if any(isinstance(c, sa.CheckConstraint) for c in table.constraints):
                problems.append(f"table {table.name} (with CHECK constraints) missing")
            continue
        named, unnamed = found[table.name]
        if unnamed:
            problems.append(
                f"{table.name}: {unnamed} CHECK constraint(s) without a name"
                " (SQLite batch migrations drop them)"
            )
        expected: set[str] = set()
        for constraint in table.constraints:
            if not isinstance(constraint, sa.CheckConstraint):
                continue
            if not isinstance(constraint.name, str):
                problems.append(
                    f"{table.name}: the model declares a CHECK without a name"
                    f" ({_sql(constraint.sqltext)})"
                )
                continue
            # The name as the dialect writes it (PostgreSQL truncates long names).
            name = preparer.format_constraint(constraint) or constraint.name
            name = _unquote(name)
            expected.add(name)
            if name not in named:
                problems.append(f"{table.name}: CHECK {name} missing")
                continue
            model_sql = str(
                constraint.sqltext.compile(
                    dialect=connection.dialect,
                    compile_kwargs={"literal_binds": True},
                )
            )
            for literal in _LITERAL.findall(model_sql):
                if f"'{literal}'" not in named[name]:
                    problems.append(
                        f"{table.name}: CHECK {name} does not allow '{literal}'"
                        f" ({named[name]})"
                    )
        for name in sorted(named.keys() - expected):
            problems.append(f"{table.name}: CHECK {name} is not in the models")
    return problems


# --- The contract ---------------------------------------------------------------------------


class MigrationContract:
    """Tests every service with a database inherits: subclass it as
    ``class TestMigrations(MigrationContract)`` and set ``alembic_ini`` and ``service``."""

    alembic_ini: ClassVar[Path]
    service: ClassVar[str]

    @pytest.fixture
    def empty_database(self) -> Iterator[str]:
        """The URL of an empty database of the suite's backend, removed afterwards."""
        with throwaway_database(f"{self.service}_migrations") as url:
            yield url

    def config(self, url: str) -> Config:
        return alembic_config(self.alembic_ini, url)

    def snapshot(self, url: str) -> dict[str, Any]:
        return on_connection(url, schema_snapshot)

    def assert_same_schema(
        self, expected: Mapping[str, Any], url: str, when: str
    ) -> None:
        differences = snapshot_differences(expected, self.snapshot(url))
        assert not differences, f"{when}:\n" + "\n".join(differences)

    def assert_at_base(self, url: str) -> None:
        assert application_tables(url) == [], "tables left after downgrade to base"
        assert current_revisions(url) == set()
        snapshot = self.snapshot(url)
        for part in ("enum types", "sequences"):
            assert snapshot.get(part, []) == [], f"{part} left after downgrade to base"

    def assert_models_match(self, url: str) -> None:
        _, diffs = target_metadata_and_drift(self.config(url))
        assert diffs == [], (
            "the models differ from the migrated schema: a change without a migration"
            " (or a migration the models do not reflect):\n" + pformat(diffs)
        )

    def assert_check_constraints(self, url: str) -> None:
        metadata, _ = target_metadata_and_drift(self.config(url))
        problems = on_connection(
            url, lambda connection: check_constraint_problems(metadata, connection)
        )
        assert problems == [], "CHECK constraints:\n" + "\n".join(problems)

    # --- the tests ---

    def test_the_history_has_one_base_and_one_head(self) -> None:
        script = script_directory(self.alembic_ini)
        assert len(script.get_bases()) == 1, f"bases: {script.get_bases()}"
        assert len(script.get_heads()) == 1, (
            f"heads: {script.get_heads()}; merge them (alembic merge heads)"
        )

    def test_upgrade_downgrade_upgrade(self, empty_database: str) -> None:
        config = self.config(empty_database)
        heads = set(script_directory(self.alembic_ini).get_heads())

        upgrade(config, "head")
        assert current_revisions(empty_database) == heads
        at_head = self.snapshot(empty_database)
        assert application_tables(empty_database), "upgrade head created no table"

        downgrade(config, "base")
        self.assert_at_base(empty_database)

        upgrade(config, "head")
        assert current_revisions(empty_database) == heads
        self.assert_same_schema(at_head, empty_database, "head after a round trip")
        self.assert_models_match(empty_database)

    def test_every_revision_goes_up_down_and_up(self, empty_database: str) -> None:
        config = self.config(empty_database)
        before = self.snapshot(empty_database)
        for script in revisions_in_order(self.alembic_ini):
            rev = script.revision
            parents = _parents(script)
            if current_revisions(empty_database) != parents:
                # A branched history: start again from exactly the revisions it revises.
                downgrade(config, "base")
                for parent in sorted(parents):
                    upgrade(config, parent)
                before = self.snapshot(empty_database)

            upgrade(config, rev)
            assert current_revisions(empty_database) == {rev}
            after = self.snapshot(empty_database)

            # Down to a revision it revises: undoes this one only (a merge too).
            downgrade(config, min(parents) if parents else "base")
            assert current_revisions(empty_database) == parents
            self.assert_same_schema(
                before, empty_database, f"downgrade of {rev} ({script.doc})"
            )

            upgrade(config, rev)
            self.assert_same_schema(
                after, empty_database, f"upgrade of {rev} after its downgrade"
            )
            before = after
        # Every table a downgrade recreated (SQLite batch) has been recreated again.
        self.assert_models_match(empty_database)
        self.assert_check_constraints(empty_database)

    def test_models_match_the_migrated_schema(self, empty_database: str) -> None:
        upgrade(self.config(empty_database), "head")
        self.assert_models_match(empty_database)

    def test_check_constraints_are_in_the_migrated_schema(
        self, empty_database: str
    ) -> None:
        upgrade(self.config(empty_database), "head")
        self.assert_check_constraints(empty_database)
