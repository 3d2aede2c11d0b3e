"""HTTP Signatures (draft-cavage), hmac-sha256, as the 2016 Datawiz client signed its requests."""

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class SignatureHeader:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: str


def parse_signature(value: str) -> SignatureHeader | None:
    """Parse the parameters after `Signature `; None when a required one is missing."""
    params = dict(_PARAM.findall(value))
    if "keyId" not in params or "signature" not in params:
        return None
    return SignatureHeader(
        key_id=params["keyId"],
        algorithm=params.get("algorithm", "hmac-sha256").lower(),
        headers=tuple((params.get("headers") or "date").lower().split()),
        signature=params["signature"],
    )


def signing_string(
    names: tuple[str, ...], method: str, target: str, headers: Mapping[str, str]
) -> str | None:
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        elif name in headers:
            lines.append(f"{name}: {headers[name]}")
        else:
            return None
    return "\n".join(lines)


def sign(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(
    header: SignatureHeader, secret: str, method: str, target: str, headers: Mapping[str, str]
) -> bool:
    if header.algorithm != "hmac-sha256":
        return False
    text = signing_string(header.headers, method, target, headers)
    return text is not None and hmac.compare_digest(sign(secret, text), header.signature)
