"""Found by the break test: ``none_match`` reads only the
first ``If-None-Match`` field line. Several lines are one list (RFC 9110 §5.3), as
``_if_match`` already treats ``If-Match``; a client (or proxy) that sends its tags on two
lines gets the full answer instead of 304."""

from __future__ import annotations

from starlette.requests import Request

from shared.conditional import none_match

TAG = 'W/"abc"'


def _request(*values: str) -> Request:
    headers = [(b"if-none-match", v.encode()) for v in values]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


def test_one_line() -> None:
    assert none_match(_request(f'"other", {TAG}'), TAG)


def test_several_lines_are_one_list() -> None:
    assert none_match(_request('"other"', TAG), TAG)
