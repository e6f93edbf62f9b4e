"""Revision 9e4c7a1b2f60 moves the judicial-confirmation window of disputes stored before
the weekend-and-holiday rule (民诉法 Art. 85) to the next working day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.disputes.models import Dispute
from shared.db import create_engine
from shared.migration_testing import alembic_config, downgrade, upgrade
from shared.testing import ServiceUnderTest, migrate, throwaway_database
from tests.factories import make_committee, make_dispute

BEFORE = "5b7e0c2d9a41"


async def test_windows_stored_as_the_plain_30th_day_move_off_rest_days(
    service_under_test: ServiceUnderTest,
) -> None:
    with throwaway_database("mediation_windows") as url:
        migrate(service_under_test.alembic_ini, url)
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                session = AsyncSession(bind=connection, expire_on_commit=False)
                committee = await make_committee(session)
                # Agreements effective 2023-03-10 (day 30: Sun 04-09) and 2023-05-10
                # (day 30: Fri 06-09, a working day).
                ids = []
                for day in (dt.date(2023, 3, 10), dt.date(2023, 5, 10)):
                    dispute = await make_dispute(
                        session,
                        committee,
                        outcome="resolved",
                        registered_on=day,
                        concluded_on=day,
                    )
                    ids.append(dispute.id)
                await session.flush()
                # As revision 0056 stored them: the plain 30th day.
                for id_, day in zip(
                    ids, (dt.date(2023, 4, 9), dt.date(2023, 6, 9)), strict=True
                ):
                    await session.execute(
                        update(Dispute)
                        .where(Dispute.id == id_)
                        .values(judicial_confirmation_window_ends_on=day)
                    )
            config = alembic_config(service_under_test.alembic_ini, url)
            downgrade(config, BEFORE)
            upgrade(config)
            async with engine.connect() as connection:
                rows = dict(
                    (
                        await connection.execute(
                            select(
                                Dispute.id, Dispute.judicial_confirmation_window_ends_on
                            )
                        )
                    ).all()
                )
            assert rows[ids[0]] == dt.date(2023, 4, 10)  # Sunday moved to Monday
            assert rows[ids[1]] == dt.date(2023, 6, 9)  # a working day stays
        finally:
            await engine.dispose()
