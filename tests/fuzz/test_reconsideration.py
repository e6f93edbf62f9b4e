"""Fuzzing the reconsideration service (tests/fuzz/harness.py)."""

from tests.fuzz import harness

TARGET = "reconsideration"
schema = harness.data_service(TARGET)


@schema.parametrize()
def test_operation(case: harness.OperationCase) -> None:
    harness.call_and_validate(case)
