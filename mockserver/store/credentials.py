"""The credentials family: the key tenant ids are derived with, one per fake."""

import secrets
from typing import Protocol


class Credentials(Protocol):
    def credential_key(self, proposed: bytes | None = None, replace: bool = False) -> bytes:
        """The key tenant ids are derived with: one per fake, so the same in every process that
        shares this store (the first one proposed is kept unless `replace`)."""
        ...


def new_credential_key(proposed: bytes | None = None) -> bytes:
    return proposed or secrets.token_bytes(32)
