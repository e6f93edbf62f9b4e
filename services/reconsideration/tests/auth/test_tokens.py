"""Every operation of the service needs a valid token with the right permission (docs/auth.md)."""

import httpx

from shared.testing import AuthContract, TokenIssuer


class TestAuth(AuthContract):
    collection = "/api/v1/applications"
    other_service = "mediation"


async def test_me_answers_what_the_token_allows(
    client: httpx.AsyncClient, token_issuer: TokenIssuer
) -> None:
    headers = token_issuer.headers(
        scopes={"reconsideration:write", "reconsideration:read"},
        org={"region_code": "421222", "township_code": "421222100"},
        subject="clerk-7",
        name="乡镇文员",
    )
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "subject": "clerk-7",
        "name": "乡镇文员",
        "kind": "user",
        "scopes": ["reconsideration:read", "reconsideration:write"],
        "org": {
            "region_code": "421222",
            "township_code": "421222100",
            "committee_id": None,
            "agency_id": None,
        },
    }
    # Any valid token may see what it says, even one without this service's scopes.
    other = token_issuer.headers(scopes={"mediation:read"})
    mine = await client.get("/api/v1/me", headers=other)
    assert mine.status_code == 200
    assert mine.json()["scopes"] == ["mediation:read"]
    assert (
        await client.get("/api/v1/me", headers={"Authorization": "Bearer x"})
    ).status_code == 401
