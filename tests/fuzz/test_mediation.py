"""Fuzzing the mediation service (tests/fuzz/harness.py)."""

from tests.fuzz import harness

TARGET = "mediation"
schema = harness.data_service(TARGET)


@schema.parametrize()
def test_operation(case: harness.OperationCase) -> None:
    harness.call_and_validate(case)
