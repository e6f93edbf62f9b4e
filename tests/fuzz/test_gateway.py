"""Fuzzing the gateway's own operations with the three services up (tests/fuzz/harness.py)."""

from tests.fuzz import harness

TARGET = "gateway"
schema = harness.gateway("up")


@schema.parametrize()
def test_operation(case: harness.OperationCase) -> None:
    harness.call_and_validate(case)
