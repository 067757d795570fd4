"""A stand-in for Clerk on one machine: an RSA key kept under the data directory, a JWKS, and
tokens of Clerk's session-token shape for any user id, so the API verifies them exactly as it
verifies Clerk's. Mounted only when ALEX_ENV=local; the API refuses it anywhere else."""

import base64
import hashlib
import json
import os
import secrets
import time
from pathlib import Path
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel, Field, StringConstraints

from shared.schemas import Name, Schema

ISSUER = "urn:alex:local-dev-issuer"
TOKEN_LIFETIME_SECONDS = 3600
# Clerk backdates nbf a little so a client's clock running behind still accepts the token.
NBF_BACKDATE_SECONDS = 10


class DevTokenRequest(Schema):
    """Refuses fields it does not know, as every request body of the API does."""

    user_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,128}$")] = Field(
        description="The Clerk-style user id to sign in as, e.g. 'test_user_001'."
    )
    name: Name | None = Field(None, description="The name the token carries (used on first use).")


class DevToken(BaseModel):
    token: str


def _load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            # Exclusive and private: two processes starting at once keep the same key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key: delete it to make a new one")
    return loaded


def _refuse_other_origins(
    origin: str | None, fetch_site: str | None, allowed: tuple[str, ...]
) -> None:
    """A token for any user id, to this server's own pages and the configured frontends only: a
    page elsewhere that the developer visits (its browser sends its Origin, and says cross-site
    in Sec-Fetch-Site) must not sign in as anyone. Clients that are not browsers send neither."""
    if origin is not None and origin not in allowed:
        raise HTTPException(
            403,
            f"the dev token is only for this server's own pages and CLERK_AUTHORIZED_PARTIES;"
            f" not for {origin!r}",
        )
    if origin is None and fetch_site not in (None, "same-origin", "none"):
        raise HTTPException(
            403, f"the dev token is only for this server's own pages, not a {fetch_site} request"
        )


class DevIssuer:
    issuer = ISSUER

    def __init__(self, data_dir: Path) -> None:
        self.private_key = _load_or_create_key(data_dir / "dev_issuer" / "signing_key.pem")
        public = self.private_key.public_key()
        self.public_jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
        # RFC 7638 thumbprint: the same key always has the same id.
        members = {k: self.public_jwk[k] for k in ("e", "kty", "n")}
        digest = hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest()
        self.kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        self.public_jwk.update(kid=self.kid, use="sig", alg="RS256")

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def mint(
        self,
        user_id: str,
        name: str | None = None,
        azp: str | None = None,
        now: float | None = None,
    ) -> str:
        """A session token as Clerk issues it (v2 claims), plus the user's name."""
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": user_id,
            "sid": f"sess_dev_{secrets.token_hex(8)}",
            "iat": issued,
            "nbf": issued - NBF_BACKDATE_SECONDS,
            "exp": issued + TOKEN_LIFETIME_SECONDS,
            "v": 2,
            "fva": [0, -1],
        }
        if azp:
            claims["azp"] = azp
        if name:
            claims["name"] = name
        return self.sign(claims)

    def router(self, authorized_parties: tuple[str, ...]) -> APIRouter:
        """`GET /.well-known/jwks.json` and `POST /dev/token`, as a browser signs in locally."""
        router = APIRouter(tags=["dev issuer (local only)"])

        @router.get("/.well-known/jwks.json")
        def jwks() -> dict[str, Any]:
            return self.jwks()

        @router.post("/dev/token", responses={403: {"description": "A cross-origin caller"}})
        def token(
            request: DevTokenRequest,
            host: Annotated[str, Header()] = "",
            origin: Annotated[str | None, Header()] = None,
            sec_fetch_site: Annotated[str | None, Header()] = None,
        ) -> DevToken:
            _refuse_other_origins(origin, sec_fetch_site, (f"http://{host}", *authorized_parties))
            # Like Clerk, the token is for the frontend that asked (its Origin).
            azp = origin or (authorized_parties[0] if authorized_parties else None)
            return DevToken(token=self.mint(request.user_id, request.name, azp))

        return router
