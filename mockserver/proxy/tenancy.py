"""Which tenant an exchange belongs to, without ever keeping the credential: the fake's keyed
hash (auth/keys.py) of the Authorization header (the masked hint people recognise their own
credential by is made by the exchange, when a violation needs it). Also the tenant the fake
itself would give a credential, for the recording."""

from collections.abc import Mapping

from mockserver.auth.keys import CredentialKeys
from mockserver.auth.signature import parse_signature
from mockserver.spec.security import BEARER, SIGNATURE, TOKEN, AuthScheme

ANONYMOUS = "anonymous"


class TenantKeys:
    def __init__(self, keys: CredentialKeys | None = None) -> None:
        self.keys = keys or CredentialKeys()  # per process: ids mean nothing elsewhere

    def tenant(self, authorization: str | None) -> str:
        if not authorization or not authorization.strip():
            return ANONYMOUS
        return self.keys.tenant(authorization.strip())


def fake_tenant(
    keys: CredentialKeys, authorization: str | None, schemes: Mapping[str, AuthScheme]
) -> str | None:
    """The tenant the fake gives a bare credential when it derives tenant ids with `keys`, as its
    authenticator does (a token key or an unknown bearer token; a signature's keyId). `schemes`:
    the specs' security schemes by lower-cased keyword (spec/security.py by_keyword)."""
    keyword, _, rest = (authorization or "").strip().partition(" ")
    rest, scheme = rest.strip(), schemes.get(keyword.lower())
    if not rest or scheme is None:
        return None
    if scheme.authentication in (TOKEN, BEARER):
        return keys.tenant(rest)
    if scheme.authentication == SIGNATURE:
        parsed = parse_signature(rest)
        return f"key:{parsed.key_id}" if parsed else None
    return None
