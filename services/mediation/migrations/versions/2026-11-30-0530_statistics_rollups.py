"""statistics rollups

The report's counters per scope (county, province, country; the township breakdown for a
county only) and year, kept in each write's
transaction from now on (mediation.statistics.rollups); this migration counts them once from
the records already stored, with the same definitions.

Revision ID: 5b7e0c2d9a41
Revises: 21a4685ce3c5
Create Date: 2026-11-30 05:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7e0c2d9a41"
down_revision: str | None = "21a4685ce3c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _year(column: str, postgres: bool) -> str:
    if postgres:
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
    return f"CAST(strftime('%Y', {column}) AS INTEGER)"


def _month(column: str, postgres: bool) -> str:
    if postgres:
        return f"to_char({column}, 'MM')"
    return f"strftime('%m', {column})"


def upgrade() -> None:
    op.create_table(
        "statistics_rollups",
        sa.Column("scope_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "scope_code", "year", "name", "key", name=op.f("pk_statistics_rollups")
        ),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    y = _year("registered_on", postgres)
    insert = "INSERT INTO statistics_rollups (scope_code, year, name, key, value) "
    county = [
        f"SELECT region_code, {y}, 'mediation.cases_mediated', '', count(*)"
        f" FROM disputes GROUP BY region_code, {y}",
        f"SELECT region_code, {y}, 'cases_mediated.by_dispute_type', dispute_type,"
        f" count(*) FROM disputes GROUP BY region_code, {y}, dispute_type",
        f"SELECT region_code, {y}, 'cases_mediated.by_township', township_code,"
        f" count(*) FROM disputes WHERE township_code IS NOT NULL"
        f" GROUP BY region_code, {y}, township_code",
        f"SELECT region_code, {y}, 'cases_mediated.by_source', source, count(*)"
        f" FROM disputes GROUP BY region_code, {y}, source",
        f"SELECT region_code, {y}, 'cases_mediated.by_month',"
        f" {_month('registered_on', postgres)}, count(*) FROM disputes"
        f" GROUP BY region_code, {y}, {_month('registered_on', postgres)}",
        f"SELECT region_code, {y}, 'mediation.cases_resolved', '', count(*)"
        f" FROM disputes WHERE status = 'resolved' AND concluded_on IS NOT NULL"
        f" AND {_year('concluded_on', postgres)} <= {y} GROUP BY region_code, {y}",
        f"SELECT region_code, {y}, 'mediation.remote_video_sessions', '', count(*)"
        f" FROM disputes WHERE mode = 'remote_video' GROUP BY region_code, {y}",
        f"SELECT region_code, {y}, 'mediation.remote_video_cost_saved', '',"
        f" sum(cost_saved) FROM disputes WHERE mode = 'remote_video'"
        f" AND cost_saved IS NOT NULL GROUP BY region_code, {y}",
        f"SELECT region_code, {_year('held_on', postgres)}, 'mediation.trainings', '',"
        f" count(*) FROM trainings GROUP BY region_code, {_year('held_on', postgres)}",
        f"SELECT region_code, {_year('recruited_on', postgres)},"
        f" 'mediation.fulltime_mediators_recruited', '', count(*) FROM mediators"
        f" WHERE employment = 'full_time'"
        f" GROUP BY region_code, {_year('recruited_on', postgres)}",
        f"SELECT region_code, {_year('founded_on', postgres)},"
        f" 'mediation.committees_founded', '', count(*) FROM mediation_committees"
        f" WHERE founded_on IS NOT NULL"
        f" GROUP BY region_code, {_year('founded_on', postgres)}",
    ]
    for select in county:
        op.execute(insert + select)
    # Provinces and the country from the counties' counters.
    province = "substr(scope_code, 1, 2) || '0000'"
    op.execute(
        insert + f"SELECT {province}, year, name, key, sum(value)"
        " FROM statistics_rollups WHERE scope_code NOT LIKE '__0000'"
        " AND name <> 'cases_mediated.by_township'"
        f" GROUP BY {province}, year, name, key"
    )
    op.execute(
        insert + "SELECT '000000', year, name, key, sum(value)"
        " FROM statistics_rollups WHERE scope_code LIKE '__0000'"
        " AND scope_code <> '000000' GROUP BY year, name, key"
    )
    op.execute("DELETE FROM statistics_rollups WHERE value = 0")


def downgrade() -> None:
    op.drop_table("statistics_rollups")
