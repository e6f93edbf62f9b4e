"""Schema-driven API fuzzing (security-reliability-notes.md §3.3) with schemathesis.

Every service is fuzzed in-process (ASGI): the real app, lifespan and all, on a throwaway
migrated database of its own (SQLite; PostgreSQL when ``FAZHI_TEST_POSTGRES_URL`` is set),
called with a token carrying every permission and no organisation restriction (a provincial
administrator). Each operation gets schemathesis's examples, coverage and fuzzing phases
(``test_operation``). Every check runs on every response: no 5xx; status code, content type,
headers and body as documented; schema-valid data accepted and invalid data rejected; the
token enforced; ``Allow`` on a 405; and the rest of schemathesis's checks. Failures that are
none are listed, with the reason, in :func:`_is_a_failure`.

There is no stateful test (``schema.as_state_machine()``) yet: with the database kept between
examples, a create that answered 201 answers 409 when Hypothesis replays it, and Hypothesis
stops on the inconsistency (``FlakyStrategyDefinition``). It needs OpenAPI links (create →
read → command with its ETag) and a fresh database per scenario.

The gateway is fuzzed on its own operations (token, keys, report, health), twice: with the
three services up (the real apps, in-process) and with all three down.

Runs are deterministic (a fixed seed, derandomised Hypothesis, no example database) and
bounded by :data:`MAX_EXAMPLES` per operation. What varies from run to run is what the
services answer (the ids they make, the clock), which schemathesis reuses in later cases.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args

import httpx
import schemathesis
from hypothesis import strategies as st
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import SecretStr
from pydantic_core.core_schema import ErrorType
from schemathesis import Case
from schemathesis.core.failures import Failure, ServerError
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.python import asgi
from stdnum.cn import ric, uscc

from gateway.config import Settings as GatewaySettings
from gateway.identity import service as identity
from gateway.identity.keys import generate_key, load_keys
from gateway.main import ALEMBIC_INI as GATEWAY_ALEMBIC_INI
from gateway.main import create_app as create_gateway
from shared.personal_data import CREDIT_CODE_FORMAT, ID_NUMBER_FORMAT, PHONE_FORMAT
from shared.service import DataServiceSettings
from shared.settings import Environment
from shared.testing import TokenIssuer, migrate, throwaway_database
from shared.types import EARLIEST_DATE, LATEST_DATE

DATA_SERVICES = ("reconsideration", "mediation", "enforcement")
OperationCase = Case[Any]

#: Generated cases per operation in the fuzzing phase (schemathesis's default is 100): the four
#: services together take about a minute on SQLite, two on PostgreSQL, on a two-core machine.
#: ``FAZHI_FUZZ_EXAMPLES`` raises it for a longer local run.
MAX_EXAMPLES = int(os.environ.get("FAZHI_FUZZ_EXAMPLES", "25"))
SEED = 20240917

#: A fixed personal-data key (no key file is written).
PERSONAL_DATA_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

_resources = ExitStack()


def close() -> None:
    """Stop the apps and drop their databases (conftest calls it at the end of the session)."""
    asgi.shutdown_lifespans()
    _resources.close()


# --- Tally: what the summary line prints ----------------------------------------------


@dataclass
class Tally:
    """One target's run: its operations, the generated cases sent (schemathesis's checks
    send some more requests of their own, e.g. without the token), the failed tests and the
    seconds spent, loading the app included."""

    operations: int = 0
    cases: int = 0
    failed: int = 0
    seconds: float = 0.0
    case_ids: set[str] = field(default_factory=set)


TALLIES: dict[str, Tally] = {}
_lock = threading.Lock()


def tally(target: str) -> Tally:
    with _lock:
        return TALLIES.setdefault(target, Tally())


def _register_hooks(schema: schemathesis.BaseSchema, target: str) -> None:
    @schema.hook
    def after_call(
        context: schemathesis.HookContext, case: OperationCase, response: Any
    ) -> None:
        counts = tally(target)
        with _lock:
            if case.id not in counts.case_ids:
                counts.case_ids.add(case.id)
                counts.cases += 1

    @schema.hook
    def filter_failure(
        context: schemathesis.HookContext,
        failure: Failure,
        case: OperationCase,
        response: schemathesis.Response,
    ) -> bool:
        return _is_a_failure(failure, case, response)


# --- Failures that are not ------------------------------------------------------------

#: Pydantic's own error types: a request refused with one of them broke a constraint a JSON
#: Schema states (type, range, length, pattern, required, ...), so the schema should have said
#: so. ``value_error`` is the exception: a validator of ours refused the value.
_SCHEMA_ERROR_TYPES = frozenset(get_args(ErrorType)) - {
    "value_error",
    "assertion_error",
}
#: Problem types that answer what the caller did, not what it sent.
_STATEFUL_PROBLEMS = frozenset({"urn:fazhi:problem:idempotency-key-reused"})


def _is_a_failure(
    failure: Failure, case: OperationCase, response: schemathesis.Response
) -> bool:
    """Whether a check's failure stands (schemathesis's ``filter_failure`` hook).

    Two kinds do not, and only those:

    - A 503 the operation documents (``/readyz`` when a dependency is down): the promise is
      "no undocumented 5xx", and the down services are what the gateway's second run is for.
    - A schema-valid request refused (``positive_data_acceptance``) by a rule no JSON Schema
      can state, so no schema can make the generated data obey it: the opaque, signed
      ``page_token``; a rule of ours (pydantic's ``value_error``: a date in the future, a
      float with more decimals than it shows) or of the domain (a committee that does not
      exist, a township outside the region, a status that does not allow the command: codes
      that are not pydantic's); an ``Idempotency-Key`` that the fuzzer reused for another
      request; a password or refresh token the fuzzer made up (OAuth's ``invalid_grant``,
      a 400 by RFC 6749 §5.2). A refusal by a constraint a schema can state (a pydantic
      error type) stands.
    """
    if isinstance(failure, ServerError):
        return response.status_code != 503 or not _documents(case, 503)
    if not isinstance(failure, RejectedPositiveData):
        return True
    try:
        problem = response.json()
    except ValueError:
        return True
    if not isinstance(problem, dict) or response.status_code not in (400, 422):
        return True
    if (
        problem.get("type") in _STATEFUL_PROBLEMS
        or problem.get("error") == "invalid_grant"
    ):
        return False
    errors = problem.get("errors") or []
    return not errors or any(
        error.get("field") != "page_token" and error.get("code") in _SCHEMA_ERROR_TYPES
        for error in errors
    )


def _documents(case: OperationCase, status: int) -> bool:
    return case.operation.responses.find_by_status_code(status) is not None


# --- Values no JSON Schema can describe ---------------------------------------------------
#
# The personal-data types declare a ``format`` (shared.personal_data): without these
# strategies every generated resident ID number fails its check character, and the
# schema-valid requests that carry one are all refused.

#: County codes of GB/T 2260 (通城县 first).
_COUNTIES = ("421222", "420102", "110101", "310104", "440305")


@st.composite
def _id_numbers(draw: st.DrawFn) -> str:
    born = draw(
        st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2010, 12, 31))
    )
    body = (
        draw(st.sampled_from(_COUNTIES))
        + born.strftime("%Y%m%d")
        + f"{draw(st.integers(0, 999)):03d}"
    )
    return body + ric.calc_check_digit(body + "0")


_phones = st.one_of(
    st.from_regex(r"\A1[3-9][0-9]{9}\Z"), st.from_regex(r"\A0[0-9]{2,3}[0-9]{7,8}\Z")
)


@st.composite
def _credit_codes(draw: st.DrawFn) -> str:
    body = draw(st.from_regex(r"\A[1-9][1-3][0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}\Z"))
    return body + uscc.calc_check_digit(body)


#: Dates: a case's dates lie in 1949-10-01..2100-12-31 (shared.types.CaseDate, documented as
#: ``formatMinimum``/``formatMaximum``, which no generator reads); every date of the API
#: is generated in that span.
_dates = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE).map(dt.date.isoformat)

schemathesis.openapi.format("date", _dates)
schemathesis.openapi.format(ID_NUMBER_FORMAT, _id_numbers())
schemathesis.openapi.format(PHONE_FORMAT, _phones)
schemathesis.openapi.format(CREDIT_CODE_FORMAT, _credit_codes())


# --- The caller -----------------------------------------------------------------------


@cache
def gateway_key_dir() -> Path:
    """The gateway's signing keys: it signs the fuzzers' token and the services trust it."""
    directory = Path(_resources.enter_context(tempfile.TemporaryDirectory())) / "keys"
    generate_key(directory)
    return directory


@cache
def issuer() -> TokenIssuer:
    key = load_keys(gateway_key_dir(), publication_s=3600).signing_key
    return TokenIssuer(kid=key.kid, key=key.private_key)


@cache
def caller() -> dict[str, str]:
    """The fuzzer's ``Authorization``: a provincial administrator, with every permission and
    no organisation restriction. Sent as the call's own headers, so that schemathesis knows
    them for valid credentials (its ``ignored_auth`` check then also calls without them)."""
    return issuer().headers(ttl_s=3600, subject="fuzzer")


def call_and_validate(case: OperationCase) -> None:
    """One generated case: sent with the caller's token, its response checked."""
    case.call_and_validate(headers=caller())


def _config(target: str) -> schemathesis.Config:
    """Schemathesis's configuration (the keys of ``schemathesis.toml``) for one target."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # The token is the caller's (:func:`caller`), never generated: a case that
                # "omits" it would be sent with it all the same. The ignored_auth check still
                # calls each operation without it and with a wrong one.
                "with-security-parameters": False,
            },
        }
    )


# --- The targets ------------------------------------------------------------------------


def _settings(name: str) -> type[DataServiceSettings]:
    module = __import__(f"{name}.config", fromlist=["Settings"])
    settings: type[DataServiceSettings] = module.Settings
    return settings


@cache
def data_service(name: str) -> schemathesis.BaseSchema:
    """The schema of a data service's running app (its lifespan started by the loader)."""
    started = time.monotonic()
    main = __import__(f"{name}.main", fromlist=["create_app"])
    url = _resources.enter_context(throwaway_database(name))
    migrate(main.ALEMBIC_INI, url)
    settings = _settings(name)(
        environment=Environment.test,
        database_url=url,
        jwks=json.dumps(issuer().jwks),
        personal_data_key=SecretStr(PERSONAL_DATA_KEY),
    )
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", main.create_app(settings), config=_config(name)
    )
    _register_hooks(schema, name)
    tally(name).seconds += time.monotonic() - started
    return schema


def _refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused (fuzz: the service is down)")


async def _no_wait(seconds: float) -> None:
    return None


@cache
def gateway(services: str) -> schemathesis.BaseSchema:
    """The gateway's schema, its own operations only (not the routes to the services),
    with the three services ``"up"`` (their real apps, in-process) or all ``"down"``."""
    # argon2id at its lowest cost, as in the gateway's own tests: the fuzzer's logins test
    # what is answered, not how long hashing takes (a third of a second each otherwise).
    identity.PASSWORD_HASH = PasswordHash(
        (Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),)
    )
    identity._dummy_hash.cache_clear()

    transports: dict[str, httpx.AsyncBaseTransport]
    if services == "up":
        transports = {
            name: httpx.ASGITransport(app=data_service(name).app)
            for name in DATA_SERVICES
        }
    else:
        transports = {
            name: httpx.MockTransport(_refuse_connection) for name in DATA_SERVICES
        }
    started = time.monotonic()
    url = _resources.enter_context(throwaway_database("gateway"))
    migrate(GATEWAY_ALEMBIC_INI, url)
    settings = GatewaySettings(
        environment=Environment.test,
        database_url=url,
        keys_dir=gateway_key_dir(),
    )
    app = create_gateway(settings, transports=transports, sleep=_no_wait)
    target = f"gateway ({services})" if services == "down" else "gateway"
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", app, config=_config(target)
    ).exclude(path_regex=r"^/api/v1/(reconsideration|mediation|enforcement)/")
    _register_hooks(schema, target)
    tally(target).seconds += time.monotonic() - started
    return schema
