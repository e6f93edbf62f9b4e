"""The annual report: ask every service for its statistics at once and combine the answers.

A source that fails (cannot be reached, 5xx, invalid payload, circuit breaker open) or has
not answered by the report's deadline is listed with status ``error`` or ``timeout`` and a
``problem``, and the report is ``partial``; it never hides the failure and never turns it
into an error of the whole report (architecture.md §6, API conventions rule 20). Every call
(a transient failure retried once) ends by the deadline, so the report answers within it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog

from gateway.reports.exceptions import UpstreamTimeout, UpstreamUnavailable
from gateway.reports.schemas import (
    AnnualReport,
    ReportCountFigure,
    ReportFigure,
    ReportMoneyFigure,
    ReportRateFigure,
    ReportSource,
    SourceStatus,
    UpstreamCountFigure,
    UpstreamFigure,
    UpstreamMoneyFigure,
    UpstreamName,
    UpstreamStatistics,
)
from gateway.upstream import UpstreamClient

logger = structlog.get_logger(__name__)

#: Names of the counties the gateway knows; any other county is shown by its code.
REGION_NAMES: dict[str, str] = {"421222": "通城县"}


@dataclass(frozen=True)
class _Answer:
    source: ReportSource
    statistics: UpstreamStatistics | None = None


#: How long past its deadline a source is waited for at most: a safety net only, each call
#: is cut off at the deadline itself (which also tells its circuit breaker).
_GRACE_S = 0.25


async def _ask(
    client: UpstreamClient,
    *,
    region_code: str,
    year: int,
    timeout_s: float,
    deadline: float,
) -> _Answer:
    problem: str
    try:
        async with asyncio.timeout_at(deadline + _GRACE_S):
            stats = await client.statistics(region_code, year, deadline=deadline)
    except (TimeoutError, UpstreamTimeout):
        status, problem = (
            SourceStatus.timeout,
            f"{client.name} did not answer within {timeout_s:g} s",
        )
    except UpstreamUnavailable as exc:
        status, problem = SourceStatus.error, str(exc.detail)
    except Exception:
        # A failed source never fails the whole report (architecture.md §6), not even
        # through a bug: it is reported as an error and logged with its traceback.
        logger.exception("report_source_crashed", upstream=client.name)
        status, problem = SourceStatus.error, f"{client.name} could not be read"
    else:
        return _Answer(ReportSource(service=client.name, status=SourceStatus.ok), stats)
    logger.warning(
        "report_source_failed", upstream=client.name, status=status, problem=problem
    )
    return _Answer(ReportSource(service=client.name, status=status, problem=problem))


def _report_figure(figure: UpstreamFigure, source: UpstreamName) -> ReportFigure:
    definition, formula = figure.definition.text, figure.definition.formula
    if isinstance(figure, UpstreamCountFigure):
        return ReportCountFigure(
            value=figure.value, definition=definition, formula=formula, source=source
        )
    if isinstance(figure, UpstreamMoneyFigure):
        return ReportMoneyFigure(
            value=figure.value,
            unit=figure.unit,
            definition=definition,
            formula=formula,
            source=source,
        )
    return ReportRateFigure(
        value=figure.value,
        numerator=figure.numerator,
        denominator=figure.denominator,
        display=figure.display,
        precision=figure.precision,
        definition=definition,
        formula=formula,
        source=source,
    )


async def build_annual_report(
    clients: Sequence[UpstreamClient], *, region_code: str, year: int, timeout_s: float
) -> AnnualReport:
    """Ask every client for its statistics concurrently, all within ``timeout_s`` seconds
    from now (the report's deadline, retries included), and combine the figures (keyed as
    the services key them) into one report.

    Raises nothing for a failed source: it is listed with its status and the report is partial.
    """
    deadline = asyncio.get_running_loop().time() + timeout_s
    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(
                _ask(
                    client,
                    region_code=region_code,
                    year=year,
                    timeout_s=timeout_s,
                    deadline=deadline,
                )
            )
            for client in clients
        ]
    answers = [task.result() for task in tasks]
    figures: dict[str, ReportFigure] = {}
    breakdowns: dict[str, dict[str, dict[str, int]]] = {}
    for answer in answers:
        if answer.statistics is None:
            continue
        service = answer.source.service
        for key, figure in answer.statistics.figures.items():
            figures[key] = _report_figure(figure, service)
        breakdowns[service] = answer.statistics.breakdowns
    return AnnualReport(
        region_code=region_code,
        region_name=REGION_NAMES.get(region_code),
        year=year,
        partial=any(a.source.status is not SourceStatus.ok for a in answers),
        sources=[a.source for a in answers],
        figures=figures,
        breakdowns=breakdowns,
    )


# --- Markdown ------------------------------------------------------------------------------

SERVICE_TITLES: dict[UpstreamName, str] = {
    UpstreamName.reconsideration: "行政复议与行政应诉",
    UpstreamName.mediation: "人民调解",
    UpstreamName.enforcement: "行政执法监督",
}
_STATUS_WORDS = {SourceStatus.timeout: "超时", SourceStatus.error: "出错"}
_SECTION_NUMBERS = ("一", "二", "三")

#: The lines of each section in the wording of 通城县's 2023 report (seeds/); ``{key}`` is
#: replaced by the figure's value (a rate by its display percentage).
SECTION_LINES: dict[UpstreamName, tuple[str, ...]] = {
    UpstreamName.reconsideration: (
        "收到行政复议申请{reconsideration.applications_received}件，"
        "不予受理{reconsideration.not_accepted}件，已审结{reconsideration.concluded}件",
        "在{reconsideration.agency_points}个乡镇设立行政复议代办点",
        "集体讨论会议{reconsideration.collective_discussions}次",
        "办理行政诉讼案件{litigation.cases}件（次），已审结{litigation.concluded}件（次），"
        "{litigation.pending}件尚在审理中",
        "行政机关负责人出庭应诉率{litigation.head_appearance_rate}",
    ),
    UpstreamName.mediation: (
        "共调解矛盾纠纷{mediation.cases_mediated}件，成功化解{mediation.cases_resolved}件，"
        "化解率{mediation.resolution_rate}",
        "开展远程视频调解{mediation.remote_video_sessions}次，"
        "为当事人节约误工费及交通费{mediation.remote_video_cost_saved}元",
        "组织调解员培训{mediation.trainings}场",
        "招聘专职调解员{mediation.fulltime_mediators_recruited}名",
        "成立人民调解委员会{mediation.committees_founded}个",
    ),
    UpstreamName.enforcement: (
        "下发《行政执法监督检查建议书》{enforcement.supervision_recommendations_issued}份，"
        "已整改{enforcement.supervision_recommendations_rectified}份",
        "选聘涉企行政执法社会监督员{enforcement.social_supervisors}名",
        "组织行政执法案卷评查{enforcement.case_files_reviewed}件",
        "增加免予处罚事项{enforcement.lenient_items_exempt}项，不予处罚事项{enforcement.lenient_items_no_penalty}项，"
        "从轻、减轻处罚事项{enforcement.lenient_items_lighter_or_reduced}项",
        "开展“双随机、一公开”监管{enforcement.random_inspections}次，其中部门联合监管{enforcement.joint_inspections}次，"
        "占比{enforcement.joint_share}，抽查事项覆盖率{enforcement.inspection_item_coverage}",
        "组织{enforcement.new_officers_trained}名新增执法人员进行法律学习",
        "专项整治发现问题线索{enforcement.special_campaign_clues}条，已整改{enforcement.special_campaign_clues_rectified}条",
        "整改行政机关未履行法院生效判决案件{enforcement.unperformed_judgments_rectified}件",
        "组建综合执法队伍{enforcement.comprehensive_enforcement_teams}支",
    ),
}


def display_value(figure: ReportFigure) -> str:
    """The figure as the report's text shows it: ``62``, ``553680.00``, ``97.8%``."""
    if isinstance(figure, ReportRateFigure):
        return figure.display
    return str(figure.value)


def _fill(template: str, lookup: Callable[[str], str | None]) -> str:
    """Replace every ``{key}`` of ``template``; a missing key makes the whole line a gap notice."""
    out: list[str] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        key, _, rest = after.partition("}")
        value = lookup(key)
        if value is None:
            return f"（数据暂缺：{key} 未提供）"
        out.extend((before, value))
    out.append(rest)
    return "".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: AnnualReport) -> str:
    """The report as a Chinese Markdown document in the structure of the seed report:
    a warning first when it is partial, then (一) reconsideration and litigation, (二) mediation,
    (三) enforcement supervision, then an appendix with every figure and its definition."""
    lines: list[str] = []
    failed = report.failed_sources
    if failed:
        named = "、".join(
            f"{SERVICE_TITLES[s.service]}（{s.service}，{_STATUS_WORDS[s.status]}）"
            for s in failed
        )
        lines += [f"> **注意：本报告数据不完整。** 以下数据来源不可用：{named}。", ""]
    place = report.region_name or report.region_code
    lines += [f"# {place} {report.year}年度法治政府建设统计", ""]
    status = {s.service: s.status for s in report.sources}

    for number, service in zip(_SECTION_NUMBERS, UpstreamName, strict=True):
        lines += [f"## ({number}) {SERVICE_TITLES[service]}", ""]
        for template in SECTION_LINES[service]:
            if status.get(service) is not SourceStatus.ok:
                lines.append(f"- （数据暂缺：{service} 不可用）")
                continue
            lines.append("- " + _fill(template, lambda key: _lookup(report, key)))
        lines.append("")

    lines += [
        "## 附：统计指标",
        "",
        "| key | 数值 | 定义 | 来源 |",
        "| --- | --- | --- | --- |",
    ]
    for key, figure in report.figures.items():
        value = display_value(figure)
        if isinstance(figure, ReportRateFigure):
            value += f"（{figure.numerator}/{figure.denominator}）"
        elif isinstance(figure, ReportMoneyFigure):
            value += " 元"
        definition = f"{figure.definition}（`{figure.formula}`）"
        lines.append(
            f"| `{key}` | {_cell(value)} | {_cell(definition)} | {figure.source} |"
        )
    return "\n".join(lines) + "\n"


def _lookup(report: AnnualReport, key: str) -> str | None:
    figure = report.figures.get(key)
    return None if figure is None else display_value(figure)
