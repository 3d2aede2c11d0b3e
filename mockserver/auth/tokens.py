"""Credentials the fake issues (Akinon login keys, OAuth2 tokens), kept in the store as plain data,
each under the digest of the credential (auth/keys.py stored_form), never in clear."""

import secrets
from typing import Any

from mockserver.auth.keys import CredentialKeys, stored_form
from mockserver.store.base import Store
from mockserver.store.documents import CollectionSpec

AUTH_TENANT = "__auth__"
# One document per credential: a request decodes only its own token's record.
TOKENS = CollectionSpec(name="auth.tokens", key_field="digest")


def user_tenant(username: str) -> str:
    return f"user:{username}"


def digested(tenants: dict[str, Any]) -> dict[str, Any]:
    """A loaded state's issued credentials as digests: older versions kept them in clear, keyed by
    `token`; such a record is kept under the credential's digest and the credential dropped."""
    issued = tenants.get(AUTH_TENANT)
    records = ((issued or {}).get("collections") or {}).get(TOKENS.name)
    if not isinstance(records, list) or not any(isinstance(r, dict) and "token" in r for r in records):
        return tenants
    kept = [
        {**{k: v for k, v in r.items() if k != "token"}, "digest": stored_form(str(r["token"]))}
        if isinstance(r, dict) and "token" in r
        else r
        for r in records
    ]
    collections = {**issued["collections"], TOKENS.name: kept}
    return {**tenants, AUTH_TENANT: {**issued, "collections": collections}}


def remember(store: Store, token: str, record: dict[str, Any]) -> None:
    store.upsert_documents(AUTH_TENANT, TOKENS.name, [{**record, "digest": stored_form(token)}])


def lookup(store: Store, token: str) -> dict[str, Any] | None:
    return store.get_document(AUTH_TENANT, TOKENS.name, stored_form(token))


def forget(store: Store, token: str) -> None:
    store.delete_documents(AUTH_TENANT, TOKENS.name, [stored_form(token)])


def issue_akinon_key(store: Store, keys: CredentialKeys, username: str) -> str:
    key = keys.akinon_key(username)
    remember(store, key, {"kind": "token", "user": username})
    return key


def issue_bearer(store: Store, username: str, lifetime: int, scope: str, client_id: str) -> dict[str, Any]:
    access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    now = store.now()
    remember(
        store, access, {"kind": "bearer", "user": username, "expires_at": now + lifetime, "scope": scope}
    )
    remember(store, refresh, {"kind": "refresh", "user": username, "client_id": client_id, "scope": scope})
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "refresh_token": refresh,
        "scope": scope,
    }
