"""Which tenant an exchange belongs to, without ever keeping the credential: a keyed hash (HMAC)
of the Authorization header, and a masked hint people recognise their own credential by."""

import hashlib
import hmac
import secrets

from mockserver.store.journal import masked_headers

ANONYMOUS = "anonymous"


class TenantKeys:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)  # per process: ids mean nothing elsewhere

    def tenant(self, authorization: str | None) -> str:
        if not authorization or not authorization.strip():
            return ANONYMOUS
        digest = hmac.new(self._key, authorization.strip().encode(), hashlib.sha256).hexdigest()
        return "tenant:" + digest[:16]

    @staticmethod
    def hint(authorization: str | None) -> str | None:
        if not authorization:
            return None
        return masked_headers({"authorization": authorization})["authorization"]
