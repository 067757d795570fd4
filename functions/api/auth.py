"""Clerk session tokens, verified with PyJWT: RS256 signature against the issuer's JWKS, expiry,
not-before, issuer and authorized party. The user id comes from the verified `sub` only."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

import jwt
from jwt import PyJWK, PyJWKClient, PyJWKSet
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError

from functions.api.errors import NotAuthenticated, NotConfigured

ALGORITHM = "RS256"
# Clock skew between the issuer and this server.
LEEWAY_SECONDS = 5
MAX_USER_ID_LENGTH = 128
# Tokens verified recently, kept until they expire: the SPA polls with the same token, and a
# verification costs more than the rest of a request. Clerk's tokens live 60 s.
REMEMBERED_TOKENS = 4096


@dataclass(frozen=True)
class Caller:
    """Who a verified token says is calling."""

    user_id: str
    name: str | None


class SigningKeys(Protocol):
    def key(self, kid: str) -> PyJWK: ...


class JwksUrl:
    """The issuer's keys fetched from its JWKS URL, cached, fetched again for an unknown key id.

    Fetching blocks: call it from a worker thread (FastAPI runs sync dependencies in one), never
    on the event loop, where a JWKS served by the same process could never answer.
    """

    def __init__(self, url: str) -> None:
        self.client = PyJWKClient(url, cache_jwk_set=True, lifespan=3600, timeout=5)

    def key(self, kid: str) -> PyJWK:
        try:
            return self.client.get_signing_key(kid)
        except PyJWKClientConnectionError as error:
            raise NotConfigured(
                f"cannot reach the sign-in provider's keys to verify the token: {error}"
            ) from error
        except PyJWKClientError as error:
            raise NotAuthenticated(
                "the token is signed by a key the issuer does not publish: sign in again"
            ) from error


class JwkSet:
    """Keys handed over directly (the local dev issuer's), checked exactly like fetched ones."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.keys = PyJWKSet.from_dict(jwks)

    def key(self, kid: str) -> PyJWK:
        try:
            return self.keys[kid]
        except KeyError as error:
            raise NotAuthenticated(
                "the token is signed by a key the issuer does not publish: sign in again"
            ) from error


class TokenVerifier:
    def __init__(
        self, issuer: str, keys: SigningKeys, authorized_parties: tuple[str, ...] = ()
    ) -> None:
        self.issuer = issuer
        self.keys = keys
        self.authorized_parties = authorized_parties
        self._verified: OrderedDict[str, tuple[Caller, float]] = OrderedDict()
        self._lock = threading.Lock()

    def remembered(self, token: str) -> Caller | None:
        """The caller of a token this verifier accepted and that has not expired since."""
        with self._lock:
            entry = self._verified.get(token)
            if entry is None:
                return None
            caller, expires = entry
            if expires <= time.time():
                del self._verified[token]
                return None
            self._verified.move_to_end(token)
            return caller

    def verify(self, token: str) -> Caller:
        """The caller a valid token names; NotAuthenticated saying why any other is refused."""
        return self.remembered(token) or self._verify(token)

    def _verify(self, token: str) -> Caller:
        try:
            # Also refuses a non-string kid and any crit extension: PyJWT says so with the base
            # InvalidTokenError, not only DecodeError.
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise NotAuthenticated(
                "the token is malformed (its header is not a valid JWT header): sign in again"
            ) from error
        if header.get("alg") != ALGORITHM:
            raise NotAuthenticated(f"the token must be signed with {ALGORITHM}")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise NotAuthenticated("the token names no signing key (kid)")
        claims = self._decode(token, self.keys.key(kid))
        self._check_authorized_party(claims.get("azp"))
        subject = claims["sub"]
        if (
            not isinstance(subject, str)
            or not 0 < len(subject) <= MAX_USER_ID_LENGTH
            or not subject.isprintable()  # no NUL, no control character, no lone surrogate
        ):
            raise NotAuthenticated("the token's subject (sub) is not a user id")
        try:
            expires = float(claims["exp"])
        except OverflowError as error:
            raise NotAuthenticated("the token's expiry (exp) is out of range") from error
        name = claims.get("name")
        # A name no display name can hold is no name: the user's settings give one.
        caller = Caller(subject, name if isinstance(name, str) and name.isprintable() else None)
        with self._lock:
            self._verified[token] = (caller, expires)
            if len(self._verified) > REMEMBERED_TOKENS:
                self._verified.popitem(last=False)
        return caller

    def _decode(self, token: str, key: PyJWK) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key=key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "nbf", "iss", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise NotAuthenticated("the token has expired: sign in again") from error
        except jwt.ImmatureSignatureError as error:
            raise NotAuthenticated(
                "the token is not valid yet (nbf is in the future): check this machine's clock"
            ) from error
        except jwt.InvalidIssuerError as error:
            raise NotAuthenticated(
                f"the token was not issued by {self.issuer}, the issuer this API trusts"
            ) from error
        except jwt.InvalidSignatureError as error:
            raise NotAuthenticated("the token's signature is invalid") from error
        except jwt.MissingRequiredClaimError as error:
            raise NotAuthenticated(f"the token lacks the {error.claim!r} claim") from error
        except jwt.InvalidTokenError as error:
            raise NotAuthenticated(f"the token is invalid ({error}): sign in again") from error

    def _check_authorized_party(self, azp: Any) -> None:
        # Clerk's advice: with authorized parties configured, accept only tokens minted for them.
        if self.authorized_parties and azp not in self.authorized_parties:
            raise NotAuthenticated(
                f"the token was issued to {azp!r}, not to an authorized party of this API"
                if azp
                else "the token names no authorized party (azp)"
            )
