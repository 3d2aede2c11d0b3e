"""Authentication as DRF's Token, django-oauth-toolkit's Bearer and HTTP Signatures behave."""

import pytest
from starlette.requests import Request

from mockserver.apis import spec_path
from mockserver.auth import Authenticator
from mockserver.auth.signature import sign, signing_string
from mockserver.auth.tokens import forget, issue_akinon_key, issue_bearer
from mockserver.drf.errors import AuthenticationFailed, NotAuthenticated
from mockserver.settings import Settings
from mockserver.spec.loader import load_spec
from mockserver.spec.security import declared_schemes
from mockserver.store import MemoryStore, VirtualClock

# The packaged specs' security schemes (tokenAuth, oauth2, httpSignature); the header values
# below are what DRF's clients send, stated here as the oracle.
SCHEMES = declared_schemes(load_spec(spec_path(api)) for api in ("akinon", "datawiz"))


def request(
    headers: dict[str, str], method: str = "GET", path: str = "/api/v1/x/", query: bytes = b""
) -> Request:
    return Request(
        {
            "type": "http",
            "method": method,
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
    )


@pytest.fixture
def store():
    return MemoryStore(clock=VirtualClock(time_source=lambda: 1000.0))


def test_missing_credentials_name_the_first_scheme(store):
    authenticator = Authenticator(Settings(), store, SCHEMES)
    with pytest.raises(NotAuthenticated) as caught:
        authenticator.authenticate(request({}), ["tokenAuth"])
    assert caught.value.detail == "Authentication credentials were not provided."
    assert caught.value.headers["WWW-Authenticate"] == "Token"
    with pytest.raises(NotAuthenticated) as caught:
        authenticator.authenticate(request({"Authorization": "Token abc"}), ["oauth2", "httpSignature"])
    assert caught.value.headers["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Token", "Invalid token header. No credentials provided."),
        ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ],
)
def test_malformed_token_headers(store, header, message):
    with pytest.raises(AuthenticationFailed) as caught:
        Authenticator(Settings(), store, SCHEMES).authenticate(
            request({"Authorization": header}), ["tokenAuth"]
        )
    assert caught.value.detail == message


def test_open_mode_gives_each_key_its_own_tenant(store):
    authenticator = Authenticator(Settings(), store, SCHEMES)
    first = authenticator.authenticate(request({"Authorization": "Token k1"}), ["tokenAuth"]).tenant
    assert first == authenticator.keys.tenant("k1") and "k1" not in first.removeprefix("token:")
    assert authenticator.authenticate(request({"Authorization": "Token k2"}), ["tokenAuth"]).tenant != first
    again = Authenticator(Settings(), MemoryStore(), SCHEMES)  # another process: another key, other ids
    assert again.authenticate(request({"Authorization": "Token k1"}), ["tokenAuth"]).tenant != first
    kept = Authenticator(Settings(tenant_secret="shared"), store, SCHEMES)
    same = Authenticator(Settings(tenant_secret="shared"), MemoryStore(), SCHEMES)
    assert kept.keys.tenant("k1") == same.keys.tenant("k1")  # a configured secret: stable ids
    namespaced = request({"Authorization": "Token k1", "X-Mockserver-Namespace": "run-7"})
    assert authenticator.authenticate(namespaced, ["tokenAuth"]).tenant == "ns:run-7"


def test_strict_mode_accepts_configured_and_issued_keys_only(store):
    authenticator = Authenticator(Settings(auth_mode="strict", tokens=("good",)), store, SCHEMES)
    assert authenticator.authenticate(
        request({"Authorization": "Token good"}), ["tokenAuth"]
    ).tenant == authenticator.keys.tenant("good")
    key = issue_akinon_key(store, authenticator.keys, "alice")
    assert (
        authenticator.authenticate(request({"Authorization": f"Token {key}"}), ["tokenAuth"]).tenant
        == "user:alice"
    )
    with pytest.raises(AuthenticationFailed) as caught:
        authenticator.authenticate(request({"Authorization": "Token bad"}), ["tokenAuth"])
    assert caught.value.detail == "Invalid token."


def test_bearer_tokens_expire_on_the_virtual_clock():
    now = [1000.0]
    store = MemoryStore(clock=VirtualClock(time_source=lambda: now[0]))
    authenticator = Authenticator(Settings(auth_mode="strict"), store, SCHEMES)
    issued = issue_bearer(store, "bob", lifetime=60, scope="read write", client_id="c")
    header = {"Authorization": f"Bearer {issued['access_token']}"}
    assert authenticator.authenticate(request(header), ["oauth2"]).tenant == "user:bob"
    now[0] += 61
    with pytest.raises(NotAuthenticated) as caught:
        authenticator.authenticate(request(header), ["oauth2"])
    assert 'error="invalid_token"' in caught.value.headers["WWW-Authenticate"]


def _signed(secret: str, key_id: str = "k1") -> dict[str, str]:
    headers = {
        "accept": "application/json",
        "date": "Tue, 10 Nov 2015 18:11:05 GMT",
        "host": "127.0.0.1:8000",
    }
    text = signing_string(("accept", "date", "host", "(request-target)"), "GET", "/api/v1/x/?page=2", headers)
    signature = sign(secret, text)
    return {
        **headers,
        "Authorization": f'Signature keyId="{key_id}",algorithm="hmac-sha256",'
        f'headers="accept date host (request-target)",signature="{signature}"',
    }


def test_http_signatures_are_verified_in_strict_mode(store):
    authenticator = Authenticator(
        Settings(auth_mode="strict", signing_keys=(("k1", "s3cret"),)), store, SCHEMES
    )
    good = request(_signed("s3cret"), query=b"page=2")
    assert authenticator.authenticate(good, ["oauth2", "httpSignature"]).tenant == "key:k1"
    with pytest.raises(AuthenticationFailed):
        authenticator.authenticate(request(_signed("wrong"), query=b"page=2"), ["oauth2", "httpSignature"])
    with pytest.raises(AuthenticationFailed):
        authenticator.authenticate(request(_signed("s3cret", "k2"), query=b"page=2"), ["httpSignature"])


def test_a_remembered_identity_never_outlives_its_token(store):
    """Identities are reused per header while the issued tokens do not change: a forgotten key
    and an expired bearer token are refused on the very next request."""
    authenticator = Authenticator(Settings(auth_mode="strict"), store, SCHEMES)
    key = issue_akinon_key(store, authenticator.keys, "alice")
    token_header = request({"Authorization": f"Token {key}"})
    for _ in range(2):
        assert authenticator.authenticate(token_header, ("tokenAuth",)).tenant == "user:alice"
    forget(store, key)
    with pytest.raises(AuthenticationFailed):
        authenticator.authenticate(token_header, ("tokenAuth",))

    bearer = issue_bearer(store, "bob", lifetime=60, scope="read", client_id="c")["access_token"]
    bearer_header = request({"Authorization": f"Bearer {bearer}"})
    for _ in range(2):
        assert authenticator.authenticate(bearer_header, ("oauth2",)).tenant == "user:bob"
    store.advance_clock(61)
    with pytest.raises(NotAuthenticated):
        authenticator.authenticate(bearer_header, ("oauth2",))
