"""Request helpers the API tests share."""

from __future__ import annotations

from typing import Any

import httpx

PROBLEM = "application/problem+json"


async def created(
    client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    """POST ``body``; assert 201 with a Location that reads the same object back."""
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    assert response.headers["location"].endswith(f"/{result['id']}")
    return result


async def ids(client: httpx.AsyncClient, path: str, **params: Any) -> list[str]:
    """Ids of the first page of a list, in order."""
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def problem_fields(response: httpx.Response, status: int = 422) -> list[str]:
    """The ``errors[].field`` of a problem response with ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    return [e["field"] for e in response.json()["errors"]]


def problem_type(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    slug: str = response.json()["type"].removeprefix("urn:fazhi:problem:")
    return slug
