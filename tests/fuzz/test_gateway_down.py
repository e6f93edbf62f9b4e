"""Fuzzing the gateway's own operations with the three services down (tests/fuzz/harness.py)."""

from tests.fuzz import harness

TARGET = "gateway (down)"
schema = harness.gateway("down")


@schema.parametrize()
def test_operation(case: harness.OperationCase) -> None:
    harness.call_and_validate(case)
