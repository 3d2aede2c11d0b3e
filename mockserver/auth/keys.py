"""What the fake derives from credentials, so that nothing it writes or answers carries one:
tenant ids by a keyed hash, stored forms of the credentials it issues, the Akinon key of a user,
and the masked hint people recognise their own credential by.

The key is per fake: given (`--tenant-secret`), kept in the state file when there is one (so
tenant ids and issued keys survive a restart), or made at random for this process.
"""

import hashlib
import hmac
import secrets

KEY_BYTES = 32


def stored_form(credential: str) -> str:
    """How the credentials the fake issues are kept (the store, state files): a digest, looked
    up by hashing what a client presents. Issued credentials are random or keyed, so an unkeyed
    digest reveals nothing."""
    return hashlib.sha256(credential.encode()).hexdigest()


class CredentialKeys:
    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or secrets.token_bytes(KEY_BYTES)

    def _digest(self, purpose: str, value: str) -> str:
        return hmac.new(self.key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def tenant(self, credential: str) -> str:
        """The tenant of a bare credential (a Token key, an unknown Bearer token in open mode)."""
        return "token:" + self._digest("tenant", credential)[:24]

    def akinon_key(self, username: str) -> str:
        """DRF's authtoken keeps one key per user (logging in again gives the same key); keyed, so
        nobody can work a user's key out from the name."""
        return self._digest("akinon-key", username)[:40]
