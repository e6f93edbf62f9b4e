"""The fuzz run's pytest plumbing: test ids naming the operation, the per-target summary
line and closing the apps and their databases at the end."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from tests.fuzz import harness


def _target(item: pytest.Item) -> str | None:
    module = getattr(item, "module", None)
    target = getattr(module, "TARGET", None)
    return target if isinstance(target, str) else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        label = getattr(item, "operation_label", None)
        target = _target(item)
        if target is None or label is None:
            continue
        harness.tally(target).operations += 1
        # pytest 9.2 builds a test's id from its function's name alone, so schemathesis's
        # tests of every operation would all be `test_operation`: put the operation back.
        if label not in item.nodeid and hasattr(item, "_id"):
            item._id = item.parent.id.child(item.name)  # type: ignore[union-attr]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    target = _target(item)
    if target is not None:
        counts = harness.tally(target)
        counts.seconds += report.duration
        if report.failed:
            counts.failed += 1
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per target: ``fuzz: mediation: 18 operations, 1607 cases, 0 failed, 11.5 s``
    (failed: the operations whose checks failed)."""
    for target, counts in harness.TALLIES.items():
        if counts.operations:
            terminalreporter.write_line(
                f"fuzz: {target}: {counts.operations} operations, {counts.cases} cases, "
                f"{counts.failed} failed, {counts.seconds:.1f} s"
            )


def pytest_sessionfinish() -> None:
    harness.close()
