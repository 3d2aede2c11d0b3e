"""What the fake derives from credentials, so that nothing it writes or answers carries one:
tenant ids by a keyed hash, stored forms of the credentials it issues, the Akinon key of a user,
and the masked hint people recognise their own credential by.

The key is per fake: given (`--tenant-secret`), kept in the state file when there is one (so
tenant ids and issued keys survive a restart), or made at random for this process.
"""

import hashlib
import hmac
import re
import secrets
from typing import Any

KEY_BYTES = 32
TENANT_PREFIX = "token:"
# What a derived tenant id looks like; a `token:` id of any other form carries a credential (the
# ids of versions before the keyed hash were `token:<the credential>`).
DERIVED_TENANT = re.compile(r"token:[0-9a-f]{24}")


def stored_form(credential: str) -> str:
    """How the credentials the fake issues are kept (the store, state files): a digest, looked
    up by hashing what a client presents. Issued credentials are random or keyed, so an unkeyed
    digest reveals nothing."""
    return hashlib.sha256(credential.encode()).hexdigest()


class CredentialKeys:
    def __init__(self, key: bytes | None = None) -> None:
        # A configured key (--tenant-secret) is the user's to keep: never written to a state file.
        self.configured = key is not None
        self.key = key or secrets.token_bytes(KEY_BYTES)

    def to_keep(self) -> bytes | None:
        """The key a state file keeps so tenant ids survive a restart: one made here, not one given."""
        return None if self.configured else self.key

    def _digest(self, purpose: str, value: str) -> str:
        return hmac.new(self.key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def tenant(self, credential: str) -> str:
        """The tenant of a bare credential (a Token key, an unknown Bearer token in open mode)."""
        return TENANT_PREFIX + self._digest("tenant", credential)[:24]

    def rekeyed(self, tenants: dict[str, Any]) -> dict[str, Any]:
        """Tenants of a loaded state (a state file, PUT /state) with any id that carries a
        credential (`token:team-secret-123`, as older versions wrote) replaced by its derived id:
        the data stays its credential's, and the credential is never kept or shown again."""
        return {
            self.tenant(tenant[len(TENANT_PREFIX) :])
            if tenant.startswith(TENANT_PREFIX) and not DERIVED_TENANT.fullmatch(tenant)
            else tenant: state
            for tenant, state in tenants.items()
        }

    def akinon_key(self, username: str) -> str:
        """DRF's authtoken keeps one key per user (logging in again gives the same key); keyed, so
        nobody can work a user's key out from the name."""
        return self._digest("akinon-key", username)[:40]
