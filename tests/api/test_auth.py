"""Sign-in: only a valid token of the trusted issuer, for an authorized frontend, gets through,
and every refusal says why; the dev issuer exists only in local runs."""

import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from functions.api.app import ConfigurationError
from functions.api.auth import JwkSet, TokenVerifier
from local.api_server import local_app
from local.dev_issuer import ISSUER, DevIssuer
from shared.db.psycopg_driver import PsycopgDriver
from tests.api.conftest import SPA_ORIGIN, api_settings, error_of


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "sub": "user_alice",
        "azp": SPA_ORIGIN,
        "iat": now,
        "nbf": now - 10,
        "exp": now + 60,
        "sid": "sess_1",
        "v": 2,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def refused(client: TestClient, token: str) -> str:
    response = client.get("/api/accounts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    error = error_of(response)
    assert error["code"] == "unauthenticated"
    message: str = error["message"]
    return message


def test_a_valid_token_signs_the_user_in(client: TestClient, issuer: DevIssuer) -> None:
    response = client.get("/api/user", headers={"Authorization": f"Bearer {issuer.sign(claims())}"})
    assert response.status_code == 200
    assert response.json()["clerk_user_id"] == "user_alice"


def test_no_token_is_refused_saying_how_to_send_one(client: TestClient) -> None:
    response = client.get("/api/accounts")
    assert response.status_code == 401
    assert "Authorization: Bearer" in error_of(response)["message"]
    basic = client.get("/api/accounts", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


def test_a_malformed_token_is_refused(client: TestClient) -> None:
    assert "malformed" in refused(client, "not-a-jwt")
    assert "malformed" in refused(client, "a.b.c")


def test_a_token_signed_by_another_key_is_refused(client: TestClient, issuer: DevIssuer) -> None:
    import jwt

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims(), other_key, algorithm="RS256", headers={"kid": issuer.kid})
    assert "signature is invalid" in refused(client, forged)


def test_a_token_with_an_unknown_key_id_is_refused(client: TestClient, issuer: DevIssuer) -> None:
    import jwt

    token = jwt.encode(claims(), issuer.private_key, algorithm="RS256", headers={"kid": "other"})
    assert "key the issuer does not publish" in refused(client, token)


def test_an_unsigned_or_hmac_token_is_refused(client: TestClient, issuer: DevIssuer) -> None:
    import jwt

    unsigned = jwt.encode(claims(), None, algorithm="none", headers={"kid": issuer.kid})
    assert "RS256" in refused(client, unsigned)
    hmac = jwt.encode(claims(), "x" * 32, algorithm="HS256", headers={"kid": issuer.kid})
    assert "RS256" in refused(client, hmac)


def test_an_expired_token_is_refused(client: TestClient, issuer: DevIssuer) -> None:
    now = int(time.time())
    token = issuer.sign(claims(iat=now - 600, nbf=now - 610, exp=now - 60))
    assert "expired" in refused(client, token)


def test_a_token_not_yet_valid_is_refused(client: TestClient, issuer: DevIssuer) -> None:
    now = int(time.time())
    token = issuer.sign(claims(nbf=now + 600, exp=now + 1200))
    assert "not valid yet" in refused(client, token)


def test_a_token_of_another_issuer_is_refused(client: TestClient, issuer: DevIssuer) -> None:
    message = refused(client, issuer.sign(claims(iss="https://clerk.attacker.example")))
    assert f"not issued by {ISSUER}" in message


def test_a_token_for_another_frontend_is_refused(client: TestClient, issuer: DevIssuer) -> None:
    message = refused(client, issuer.sign(claims(azp="https://evil.example")))
    assert "'https://evil.example', not to an authorized party" in message
    assert "no authorized party" in refused(client, issuer.sign(claims(azp=None)))


@pytest.mark.parametrize("claim", ["exp", "nbf", "sub"])
def test_a_token_lacking_a_required_claim_is_refused(
    client: TestClient, issuer: DevIssuer, claim: str
) -> None:
    assert f"lacks the '{claim}' claim" in refused(client, issuer.sign(claims(**{claim: None})))


def test_the_user_is_only_the_tokens_subject(client: TestClient, issuer: DevIssuer) -> None:
    token = issuer.sign(claims(sub="user_bob"))
    response = client.get(
        "/api/user", headers={"Authorization": f"Bearer {token}", "X-User-Id": "user_alice"}
    )
    assert response.json()["clerk_user_id"] == "user_bob"
    # A user id in the query is not a parameter at all.
    assert (
        client.get(
            "/api/user?user_id=user_alice", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 422
    )


def test_the_dev_issuer_mints_tokens_for_the_asking_frontend(client: TestClient) -> None:
    minted = client.post("/dev/token", json={"user_id": "user_dev", "name": "Dev Person"})
    assert minted.status_code == 200
    headers = {"Authorization": f"Bearer {minted.json()['token']}"}
    assert client.get("/api/user", headers=headers).json()["display_name"] == "Dev Person"
    # Another frontend gets no token at all (tests/api/test_local_site.py).
    elsewhere = client.post(
        "/dev/token", json={"user_id": "user_dev"}, headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 403
    # A field it does not know (a claim to smuggle in, say) is refused, naming it.
    smuggled = client.post(
        "/dev/token", json={"user_id": "user_dev", "azp": "https://evil.example"}
    )
    assert smuggled.status_code == 422 and "azp" in smuggled.text


def test_the_dev_issuer_publishes_its_key(client: TestClient, issuer: DevIssuer) -> None:
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert [(key["kid"], key["kty"], key["alg"]) for key in keys] == [(issuer.kid, "RSA", "RS256")]
    assert "d" not in keys[0]  # public half only


def test_the_dev_issuer_keeps_its_key_across_restarts(issuer_dir: Path, issuer: DevIssuer) -> None:
    assert DevIssuer(issuer_dir).kid == issuer.kid
    assert (issuer_dir / "dev_issuer" / "signing_key.pem").stat().st_mode & 0o777 == 0o600


def test_the_dev_issuer_is_refused_outside_local_runs(
    pg: PsycopgDriver, issuer_dir: Path, migrated_url: str
) -> None:
    settings = api_settings(issuer_dir, migrated_url, ALEX_ENV="aws")
    with pytest.raises(ConfigurationError, match="ALEX_DEV_ISSUER is set but ALEX_ENV=aws"):
        local_app(settings, db=pg)


def test_without_an_issuer_the_api_says_sign_in_is_not_configured(
    pg: PsycopgDriver, issuer_dir: Path, migrated_url: str
) -> None:
    app = local_app(api_settings(issuer_dir, migrated_url, ALEX_DEV_ISSUER=False), db=pg)
    with TestClient(app) as client:
        response = client.get("/api/accounts", headers={"Authorization": "Bearer x"})
        assert response.status_code == 503
        assert "CLERK_ISSUER" in error_of(response)["message"]
        assert client.post("/dev/token", json={"user_id": "u"}).status_code == 404
        assert client.get("/health").json() == {"status": "ok"}


def test_verified_tokens_are_remembered_only_until_they_expire(issuer: DevIssuer) -> None:
    verifier = TokenVerifier(ISSUER, JwkSet(issuer.jwks()), (SPA_ORIGIN,))
    fresh = issuer.sign(claims())
    assert verifier.verify(fresh).user_id == "user_alice"
    assert verifier.remembered(fresh) == verifier.verify(fresh)

    # Expired 2 s ago: accepted within the clock-skew leeway, but never served from memory.
    now = int(time.time())
    expired = issuer.sign(claims(exp=now - 2))
    assert verifier.verify(expired).user_id == "user_alice"
    assert verifier.remembered(expired) is None
