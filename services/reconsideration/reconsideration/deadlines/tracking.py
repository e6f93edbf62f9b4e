"""Each application's statutory clocks as rows (``application_deadlines``), recomputed from
the application and its history in the transaction that changes them (domain.md §3.2).

Which clocks an application has, from what day and in which state, is derived from its
events (:func:`plan`, pure); the due days come from the engine
(:func:`~reconsideration.deadlines.statutes.compute_deadline`) on the service's calendar.
A clock whose last day needs a calendar year nobody loaded is stored ``calendar_unknown``
with that year: a create or a command never fails for it, and loading the year
(``PUT /calendar-years/{year}``) recomputes it (:func:`refresh_for_year`).

Readings the statute does not spell out *[inference]*:

- the applicant's correction period counts from the day the correction was requested (the
  service does not record when the applicant received the notice);
- after a correction the acceptance review runs again from the day it was recorded
  (复议法(2023) 第31条第3款), and it does not run while the correction is awaited;
- a case switched from the simplified to the ordinary procedure (第55条) has the ordinary
  periods counted from its acceptance;
- the respondent's reply counts from the receipt recorded with ``copy_to_respondent`` or
  ``record_respondent_receipt``; until one is, the clock has no row;
- the hearing notice is the latest hearing's (scheduled, or held when none is pending):
  it is met on the day the parties were notified, late when that is after its due day;
- the forwarding clock (复议法(2023) 第32条) is met on the office's receipt.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from reconsideration.applications.models import (
    ApplicationEvent,
    ApplicationEventType,
    ApplicationStatus,
    Procedure,
    ReconsiderationApplication,
)
from reconsideration.deadlines.exceptions import (
    CalendarYearUnknown,
    ClockNotInLaw,
    ExtensionNotAllowed,
    LawVersionUnknown,
    ProcedureRequired,
)
from reconsideration.deadlines.models import (
    ApplicationDeadline,
    Clock,
    DeadlineState,
)
from reconsideration.deadlines.schemas import (
    ApplicationDeadlineRead,
    DeadlineListFilters,
    DeadlineListItem,
)
from reconsideration.deadlines.service import working_calendar
from reconsideration.deadlines.statutes import Suspension, compute_deadline, law_for
from reconsideration.scope import in_scope
from shared.auth import OrgScope
from shared.errors import InvalidInput
from shared.pagination import TOKEN_TTL_SECONDS, Page, PageParams
from shared.working_days import WorkingCalendar

E = ApplicationEventType
State = DeadlineState

#: The order clocks are shown in: the order of the lifecycle.
CLOCK_ORDER = {clock: i for i, clock in enumerate(Clock)}


@dataclass(frozen=True)
class Step:
    """One event of an application's history, as the clocks need it."""

    type: ApplicationEventType
    on: dt.date


@dataclass(frozen=True)
class Planned:
    """A clock an application has, before its due day is computed."""

    clock: Clock
    starts_on: dt.date
    state: DeadlineState
    met_on: dt.date | None = None
    procedure: Procedure | None = None
    extension_days: int = 0
    suspensions: tuple[Suspension, ...] = ()


@dataclass(frozen=True)
class Facts:
    """What an application's record says beyond its events, as the clocks need it."""

    #: The penalising agency's receipt (channel forwarded_by_agency).
    forwarding_agency_received_on: dt.date | None = None
    respondent_received_copy_on: dt.date | None = None
    respondent_replied_on: dt.date | None = None
    #: The latest hearing: (hearing day, day the parties were notified).
    hearing: tuple[dt.date, dt.date] | None = None
    #: The applicant's receipt of the latest correction notice, when known.
    correction_received_on: dt.date | None = None


def plan(
    *,
    received_on: dt.date,
    status: ApplicationStatus,
    procedure: Procedure | None,
    extension_days: int,
    steps: Sequence[Step],
    facts: Facts = Facts(),
) -> list[Planned]:
    """The clocks of an application received on ``received_on``, now in ``status`` with
    ``procedure`` and ``extension_days`` (of the decision period), after ``steps`` (oldest
    first), with ``facts``. Pure; raises nothing."""
    review_from = received_on
    first_request: dt.date | None = None
    last_request: dt.date | None = None
    corrected: dt.date | None = None
    abandoned: dt.date | None = None
    reviewed: dt.date | None = None
    accepted: dt.date | None = None
    copied: dt.date | None = None
    concluded: dt.date | None = None
    suspensions: list[Suspension] = []
    for step in steps:
        on = step.on
        match step.type:
            case E.request_correction:
                first_request = first_request or on
                last_request, corrected = on, None
            case E.record_correction:
                corrected = review_from = on
            case E.deem_abandoned:
                abandoned = on
            case E.accept | E.deem_accepted:
                reviewed = accepted = on
            case E.not_accept:
                reviewed = on
            case E.copy_to_respondent:
                copied = on
            case E.suspend:
                suspensions.append(Suspension(suspended_on=on))
            case E.resume if suspensions:
                suspensions[-1] = Suspension(suspensions[-1].suspended_on, on)
            case E.decide | E.terminate | E.record_mediation_statement:
                concluded = on
            case _:
                pass

    clocks: list[Planned] = []
    # The penalising agency's forwarding (Art. 32): met by the office's receipt.
    if facts.forwarding_agency_received_on is not None:
        clocks.append(
            Planned(
                Clock.forwarding,
                facts.forwarding_agency_received_on,
                State.met,
                received_on,
            )
        )
    # Acceptance review (Art. 30): met by accepting or refusing; waits for a correction.
    if reviewed is not None:
        clocks.append(
            Planned(Clock.acceptance_review, review_from, State.met, reviewed)
        )
    elif abandoned is not None:
        clocks.append(Planned(Clock.acceptance_review, review_from, State.ended))
    elif status is ApplicationStatus.correction_requested:
        clocks.append(Planned(Clock.acceptance_review, review_from, State.paused))
    else:
        clocks.append(Planned(Clock.acceptance_review, review_from, State.open))
    # Correction request (Art. 31(1)): within 5 working days of receipt, if at all.
    if first_request is not None:
        clocks.append(
            Planned(Clock.correction_request, received_on, State.met, first_request)
        )
    else:
        ended = reviewed is not None
        clocks.append(
            Planned(
                Clock.correction_request,
                received_on,
                State.ended if ended else State.open,
            )
        )
    # The applicant's correction (Art. 31(2)), from the applicant's receipt of the latest
    # request; while that is unknown, from the request itself (the earliest it can be).
    if last_request is not None:
        correction_from = last_request
        received = facts.correction_received_on
        if received is not None and received >= last_request:
            correction_from = received
        if corrected is not None:
            state, met = State.met, corrected
        elif abandoned is not None:
            state, met = State.ended, None
        else:
            state, met = State.open, None
        clocks.append(Planned(Clock.applicant_correction, correction_from, state, met))
    if accepted is None:
        return clocks
    # Copy to the respondent (Art. 48, 54), from acceptance.
    if copied is not None:
        state, met = State.met, copied
    elif concluded is not None:
        state, met = State.ended, None
    else:
        state, met = State.open, None
    clocks.append(
        Planned(Clock.copy_to_respondent, accepted, state, met, procedure=procedure)
    )
    # The respondent's reply (Art. 48, 54), from its receipt of the copy.
    if facts.respondent_received_copy_on is not None:
        if facts.respondent_replied_on is not None:
            state, met = State.met, facts.respondent_replied_on
        elif concluded is not None:
            state, met = State.ended, None
        else:
            state, met = State.open, None
        clocks.append(
            Planned(
                Clock.respondent_reply,
                facts.respondent_received_copy_on,
                state,
                met,
                procedure=procedure,
            )
        )
    # The hearing notice (Art. 51), counted back from the latest hearing.
    if facts.hearing is not None:
        hearing_on, notified_on = facts.hearing
        clocks.append(Planned(Clock.hearing_notice, hearing_on, State.met, notified_on))
    # The decision (Art. 62), from acceptance; a suspension stops it, an extension adds.
    if concluded is not None:
        state, met = State.met, concluded
    elif suspensions and suspensions[-1].resumed_on is None:
        state, met = State.paused, None
    else:
        state, met = State.open, None
    clocks.append(
        Planned(
            Clock.decision,
            accepted,
            state,
            met,
            procedure=procedure,
            extension_days=extension_days,
            suspensions=tuple(suspensions),
        )
    )
    return clocks


@dataclass(frozen=True)
class Computed:
    """A planned clock with its law, article, unit and last day."""

    planned: Planned
    law: str
    article: str
    unit: str
    due_on: dt.date | None
    state: DeadlineState
    suspended_days: int
    unknown_year: int | None


def compute(
    planned: Planned, *, received_on: dt.date, calendar: WorkingCalendar
) -> Computed | None:
    """The clock's last day on ``calendar`` (None while paused), or None when the law
    version has no such period (e.g. the simplified procedure before 2024). A last day
    that needs an unknown year leaves ``due_on`` None and, for a running clock, the state
    ``calendar_unknown``. Raises nothing."""
    try:
        law = law_for(received_on)
        rule = law.rule(planned.clock, planned.procedure)
    except (LawVersionUnknown, ClockNotInLaw, ProcedureRequired):
        return None
    suspensions = planned.suspensions if rule.pauses_while_suspended else ()
    extension = planned.extension_days if rule.extension is not None else 0
    due: dt.date | None = None
    state = planned.state
    unknown: int | None = None
    suspended = sum(s.days for s in suspensions)
    if state is not State.paused:
        try:
            deadline = compute_deadline(
                planned.clock,
                received_on=received_on,
                starts_on=planned.starts_on,
                calendar=calendar,
                procedure=planned.procedure,
                extension_days=extension,
                suspensions=suspensions,
            )
            due, suspended = deadline.due_on, deadline.suspended_days
        except ExtensionNotAllowed:
            return None
        except CalendarYearUnknown as exc:
            unknown = exc.year
            if state is State.open:
                state = State.calendar_unknown
    return Computed(
        planned=planned,
        law=law.version,
        article=rule.article,
        unit=rule.unit,
        due_on=due,
        state=state,
        suspended_days=suspended,
        unknown_year=unknown,
    )


async def _steps(session: AsyncSession, application_id: uuid.UUID) -> list[Step]:
    stmt = (
        select(ApplicationEvent.type, ApplicationEvent.occurred_on)
        .where(ApplicationEvent.application_id == application_id)
        .order_by(ApplicationEvent.created_at, ApplicationEvent.id)
    )
    return [Step(type_, on) for type_, on in (await session.execute(stmt)).all()]


def _facts(application: ReconsiderationApplication) -> Facts:
    hearings = application.hearings
    latest = next((h for h in hearings if h.held_on is None), None) or (
        max(hearings, key=lambda h: h.hearing_on) if hearings else None
    )
    return Facts(
        forwarding_agency_received_on=application.forwarding_agency_received_on,
        respondent_received_copy_on=application.respondent_received_copy_on,
        respondent_replied_on=application.respondent_replied_on,
        hearing=None if latest is None else (latest.hearing_on, latest.notified_on),
        correction_received_on=application.correction_received_on,
    )


async def refresh(
    session: AsyncSession,
    application: ReconsiderationApplication,
    *,
    calendar: WorkingCalendar | None = None,
) -> list[ApplicationDeadline]:
    """Recompute and store the application's clocks (after its latest event was added),
    and set them on ``application.deadlines``. Raises nothing of its own."""
    await session.flush()
    if calendar is None:
        calendar = await working_calendar(session)
    planned = plan(
        received_on=application.received_on,
        status=application.status,
        procedure=application.procedure,
        extension_days=application.decision_extension_days or 0,
        steps=await _steps(session, application.id),
        facts=_facts(application),
    )
    computed = {
        c.planned.clock: c
        for p in planned
        if (c := compute(p, received_on=application.received_on, calendar=calendar))
    }
    existing = {
        row.clock: row
        for row in (
            await session.scalars(
                select(ApplicationDeadline).where(
                    ApplicationDeadline.application_id == application.id
                )
            )
        ).all()
    }
    rows: list[ApplicationDeadline] = []
    for clock, row in existing.items():
        if clock not in computed:
            await session.delete(row)
    for clock, c in computed.items():
        row = existing.get(clock) or ApplicationDeadline(
            application_id=application.id, clock=clock
        )
        if row not in session:
            session.add(row)
        row.law = c.law  # type: ignore[assignment]
        row.article = c.article
        row.unit = c.unit  # type: ignore[assignment]
        row.starts_on = c.planned.starts_on
        row.due_on = c.due_on
        row.extension_days = c.planned.extension_days if clock is Clock.decision else 0
        row.suspended_days = c.suspended_days
        row.state = c.state
        row.met_on = c.planned.met_on
        row.unknown_year = c.unknown_year
        rows.append(row)
    await session.flush()
    rows.sort(key=lambda r: CLOCK_ORDER[r.clock])
    set_committed_value(application, "deadlines", rows)
    return rows


async def refresh_for_year(session: AsyncSession, year: int) -> int:
    """Recompute the clocks of every application with a pending clock (open, paused or
    calendar_unknown) that may depend on ``year``: one that waited for it, or one running
    from a day in or before ``year`` to a day in or after it. Answers how many
    applications were recomputed. Raises nothing of its own."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    stmt = (
        select(ApplicationDeadline.application_id)
        .where(
            or_(
                ApplicationDeadline.unknown_year == year,
                ApplicationDeadline.state.in_(State.pending())
                & (ApplicationDeadline.starts_on <= last)
                & (
                    ApplicationDeadline.due_on.is_(None)
                    | (ApplicationDeadline.due_on >= first)
                ),
            )
        )
        .distinct()
    )
    ids = list((await session.scalars(stmt)).all())
    if not ids:
        return 0
    calendar = await working_calendar(session)
    applications: Iterable[ReconsiderationApplication] = (
        await session.scalars(
            select(ReconsiderationApplication).where(
                ReconsiderationApplication.id.in_(ids)
            )
        )
    ).all()
    count = 0
    for application in applications:
        await refresh(session, application, calendar=calendar)
        count += 1
    return count


def _listed_states(state: str | None) -> frozenset[DeadlineState]:
    if state is None:
        return frozenset({State.open, State.calendar_unknown})
    return frozenset({DeadlineState(state)})


def _decode_cursor(page: PageParams) -> tuple[dt.date | None, uuid.UUID] | None:
    if page.page_token is None:
        return None
    try:
        raw = page.fernet().decrypt(page.page_token.encode(), ttl=TOKEN_TTL_SECONDS)
        state = json.loads(raw)
        if state["f"] != page.filters_fingerprint:
            raise ValueError("filters changed")
        due = dt.date.fromisoformat(state["d"]) if state["d"] else None
        return due, uuid.UUID(state["i"])
    except (InvalidToken, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(
            "page_token is invalid, expired, or was issued for other filters",
            field="page_token",
            location="query",
        ) from exc


def _encode_cursor(page: PageParams, due_on: dt.date | None, id_: uuid.UUID) -> str:
    state = {
        "d": due_on.isoformat() if due_on else None,
        "i": str(id_),
        "f": page.filters_fingerprint,
    }
    return page.fernet().encrypt(json.dumps(state).encode()).decode()


async def list_deadlines(
    session: AsyncSession,
    *,
    filters: DeadlineListFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[DeadlineListItem]:
    """The pending clocks of the applications of ``org`` (county and township): by default
    the ``open`` ones due on or before ``filters.due_before`` and every ``calendar_unknown``
    one (its due day is unknown, so it may be due). Ordered by ``due_on`` then id, the
    clocks without a due day last; cursor-paginated on that key (the token is encrypted
    and bound to the filters, as shared.pagination's)."""
    d, a = ApplicationDeadline, ReconsiderationApplication
    states = _listed_states(filters.state)
    columns: tuple[Any, ...] = (d, a.case_number, a.region_code, a.township_code)
    stmt: Select[Any] = select(*columns).join(a, a.id == d.application_id)
    stmt = in_scope(stmt, a, org).where(
        d.state.in_(states),
        d.due_on.is_(None) | (d.due_on <= filters.due_before),
    )
    if filters.clock is not None:
        stmt = stmt.where(d.clock == filters.clock)
    if filters.region_code is not None:
        stmt = stmt.where(a.region_code == filters.region_code)
    if filters.township_code is not None:
        stmt = stmt.where(a.township_code == filters.township_code)
    after = _decode_cursor(page)
    if after is not None:
        due, id_ = after
        if due is None:
            stmt = stmt.where(d.due_on.is_(None), d.id > id_)
        else:
            stmt = stmt.where(
                d.due_on.is_(None)
                | (d.due_on > due)
                | ((d.due_on == due) & (d.id > id_))
            )
    stmt = stmt.order_by(d.due_on.is_(None), d.due_on, d.id).limit(page.page_size + 1)
    rows = (await session.execute(stmt)).all()
    more = len(rows) > page.page_size
    rows = rows[: page.page_size]
    items = [
        DeadlineListItem.model_validate(
            {
                **ApplicationDeadlineRead.model_validate(row).model_dump(
                    exclude={"overdue", "late"}
                ),
                "id": row.id,
                "application_id": row.application_id,
                "case_number": case_number,
                "region_code": region_code,
                "township_code": township_code,
            }
        )
        for row, case_number, region_code, township_code in rows
    ]
    last = rows[-1][0] if rows else None
    token = _encode_cursor(page, last.due_on, last.id) if more and last else ""
    return Page(items=items, next_page_token=token)
