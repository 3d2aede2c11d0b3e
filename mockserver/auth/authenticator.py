"""Authenticate a request by the operation's security schemes, as the DRF services do, and name
its tenant: a keyed hash of the Token key (never the key itself), the OAuth2 user, the signature
keyId, or an X-Mockserver-Namespace."""

from collections.abc import Mapping, Sequence

from mockserver.auth import signature, tokens
from mockserver.auth.keys import CredentialKeys
from mockserver.drf.errors import APIError, AuthenticationFailed, NotAuthenticated, PermissionDenied
from mockserver.http import Identity
from mockserver.incoming import IncomingRequest
from mockserver.masking import mask_header
from mockserver.profile import AUTH_CHALLENGES
from mockserver.settings import Settings
from mockserver.spec.security import BEARER, SIGNATURE, TOKEN, AuthScheme, by_keyword
from mockserver.store.base import Store

NAMESPACE_HEADER = "x-mockserver-namespace"
HINTS_KEPT = 10_000


def www_authenticate(first: AuthScheme, error: dict[str, str] | None = None) -> str:
    """DRF answers with the header of the first authentication class."""
    if first.authentication == BEARER:
        # django-oauth-toolkit's OAuth2Authentication.authenticate_header, separators included.
        attributes = {"realm": "api", **(error or {})}
        return f"{first.keyword} " + ",".join(f'{k}="{v}"' for k, v in attributes.items())
    if first.authentication == SIGNATURE:
        return f'{first.keyword} realm="api",headers="accept date host (request-target)"'
    return first.keyword  # TokenAuthentication.authenticate_header: its keyword


def challenged(error: APIError, first_class: str) -> APIError:
    """A 401 as DRF answers it when `first_class` (a profile's auth_challenge) is its first
    authentication class: that class's challenge, or 403 without one (SessionAuthentication).
    The spec's own class keeps its header whole (django-oauth-toolkit's error attributes)."""
    challenge = AUTH_CHALLENGES[first_class]
    if challenge is None:
        return PermissionDenied(error.detail)
    current = error.headers.get("WWW-Authenticate", "")
    if current.partition(" ")[0].lower() != challenge.partition(" ")[0].lower():
        error.headers["WWW-Authenticate"] = challenge
    return error


def _with_namespace(request: IncomingRequest, identity: Identity) -> Identity:
    namespace = request.headers.get(NAMESPACE_HEADER)
    if namespace:
        return Identity(tenant=f"ns:{namespace}", user=identity.user, scheme=identity.scheme)
    return identity


class Authenticator:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        schemes: Mapping[str, AuthScheme],
        keys: CredentialKeys | None = None,
    ) -> None:
        """`schemes`: every security scheme the served specs declare (spec/security.py), by name."""
        if not schemes:
            raise ValueError("the served specs declare no security scheme to authenticate with")
        self._schemes = dict(schemes)
        # Every scheme: what a control call's credential is checked against in strict mode.
        self._all = tuple(self._schemes)
        self._any_keyword = by_keyword(self._schemes.values())
        # an operation's scheme names -> (its schemes in order, by keyword)
        self._declared: dict[Sequence[str], tuple[list[AuthScheme], dict[str, AuthScheme]]] = {}
        self._settings = settings
        self._store = store
        self.keys = keys or CredentialKeys(settings.credential_key())
        # tenant id -> the masked credential people recognise it by (not state: rebuilt as they call)
        # tenant -> the masked Authorization values it was reached with, one per scheme
        self._hints: dict[str, dict[str, str]] = {}
        store.define_collection(tokens.TOKENS)  # the credentials the fake issues
        self._strict = settings.auth_mode == "strict"
        self._configured_tokens = set(settings.tokens)
        self._signing_keys = dict(settings.signing_keys)
        # (Authorization header, schemes) -> (issued tokens' version, identity); see authenticate
        self._known: dict[tuple[str, Sequence[str]], tuple[int, Identity]] = {}

    def authenticate(self, request: IncomingRequest, schemes: Sequence[str]) -> Identity:
        header = request.headers.get("authorization", "")
        # The same header on the same operation gets the same identity while the issued tokens
        # do not change (their collection's version), unless the answer depends on the clock
        # (an issued bearer token's expiry) or on the request itself (a signature).
        version = self._store.collection_version(tokens.AUTH_TENANT, tokens.TOKENS.name)
        schemes = schemes if schemes.__class__ is tuple else tuple(schemes)
        known = self._known.get((header, schemes))
        if known is not None and known[0] == version:
            return _with_namespace(request, known[1])
        identity = self._authenticate(request, header, schemes)
        self._remember_hint(identity.tenant, header)
        if identity.scheme == "token" or (identity.scheme == "bearer" and identity.user is None):
            if len(self._known) >= 10_000:
                self._known.clear()
            self._known[(header, schemes)] = (version, identity)
        return _with_namespace(request, identity)

    def _schemes_of(self, names: Sequence[str]) -> tuple[list[AuthScheme], dict[str, AuthScheme]]:
        declared = self._declared.get(names)
        if declared is None:
            ordered = [self._schemes[name] for name in names if name in self._schemes]
            declared = self._declared[names] = (ordered or list(self._schemes.values()), by_keyword(ordered))
        return declared

    def _authenticate(self, request: IncomingRequest, header: str, schemes: Sequence[str]) -> Identity:
        keyword, _, rest = header.strip().partition(" ")
        ordered, keywords = self._schemes_of(schemes)
        scheme = keywords.get(keyword.lower())
        bearer_error: dict[str, str] | None = None
        try:
            if scheme is not None and scheme.authentication == TOKEN:
                return self._token(header)
            if scheme is not None and scheme.authentication == BEARER:
                identity, bearer_error = self._bearer(rest.strip())
                if identity:
                    return identity
            if scheme is not None and scheme.authentication == SIGNATURE:
                return self._signature(request, rest)
        except APIError as error:
            error.headers["WWW-Authenticate"] = www_authenticate(ordered[0])
            raise
        raise NotAuthenticated(headers={"WWW-Authenticate": www_authenticate(ordered[0], bearer_error)})

    def identify(self, request: IncomingRequest) -> str | None:
        """The tenant a control call names: the namespace header, or its credential's tenant. In
        strict mode the credential must be valid, with a namespace too (a 401 otherwise, as the API
        would answer); in open mode any well-formed credential names its own tenant, as on the API."""
        namespace = request.headers.get(NAMESPACE_HEADER)
        if self._strict and namespace:
            # A namespace is a name anyone could guess: on a strict fake, as on its API, only a
            # valid credential reaches it.
            return self.authenticate(request, self._all).tenant
        if namespace:
            return f"ns:{namespace}"
        header = request.headers.get("authorization", "").strip()
        keyword, _, rest = header.partition(" ")
        if not rest.strip():
            return None
        if self._strict:
            return self.authenticate(request, self._all).tenant
        rest = rest.strip()
        scheme = self._any_keyword.get(keyword.lower())
        authentication = scheme.authentication if scheme is not None else None
        tenant = None
        if authentication in (TOKEN, BEARER):
            record = tokens.lookup(self._store, rest)
            tenant = tokens.user_tenant(record["user"]) if record else self.keys.tenant(rest)
        elif authentication == SIGNATURE:
            parsed = signature.parse_signature(rest)
            tenant = f"key:{parsed.key_id}" if parsed else None
        if tenant is not None:
            self._remember_hint(tenant, header)
        return tenant

    def hint(self, tenant: str) -> str | None:
        """How people recognise a tenant: its masked credential (`Bearer team…`), or its name."""
        if tenant.startswith(("ns:", "user:", "key:")):
            return tenant.partition(":")[2]
        seen = self._hints.get(tenant)
        if not seen:
            return None
        # One key used as `Token dev` (Akinon) and `Bearer dev` (Datawiz) is one tenant: say both.
        return " and ".join(seen[scheme] for scheme in sorted(seen))

    def _remember_hint(self, tenant: str, header: str) -> None:
        if not tenant.startswith("token:"):
            return
        scheme = header.strip().partition(" ")[0].lower()
        seen = self._hints.get(tenant)
        if seen is not None and scheme in seen:
            return
        if seen is None and len(self._hints) >= HINTS_KEPT:
            self._hints.clear()
        self._hints.setdefault(tenant, {})[scheme] = mask_header(header)

    # DRF TokenAuthentication
    def _token(self, header: str) -> Identity:
        parts = header.split()
        if len(parts) == 1:
            raise AuthenticationFailed("Invalid token header. No credentials provided.")
        if len(parts) > 2:
            raise AuthenticationFailed("Invalid token header. Token string should not contain spaces.")
        key = parts[1]
        record = tokens.lookup(self._store, key)
        if record and record.get("kind") == "token":
            return Identity(tokens.user_tenant(record["user"]), record["user"], "token")
        if key in self._configured_tokens or not self._strict:
            return Identity(self.keys.tenant(key), None, "token")
        raise AuthenticationFailed("Invalid token.")

    # django-oauth-toolkit's OAuth2Authentication: a bad token is "no credentials" plus an error
    def _bearer(self, token: str) -> tuple[Identity | None, dict[str, str] | None]:
        if not token or " " in token:
            # oauthlib finds no token in `Bearer` or `Bearer a b`: no credentials, and no error
            return None, None
        record = tokens.lookup(self._store, token)
        if record and record.get("kind") == "bearer":
            if record["expires_at"] <= self._store.now():
                return None, {"error": "invalid_token", "error_description": "The access token has expired."}
            return Identity(tokens.user_tenant(record["user"]), record["user"], "bearer"), None
        if token in self._configured_tokens or (not self._strict and record is None):
            return Identity(self.keys.tenant(token), None, "bearer"), None
        return None, {"error": "invalid_token", "error_description": "The access token is invalid."}

    def _signature(self, request: IncomingRequest, params: str) -> Identity:
        parsed = signature.parse_signature(params)
        if parsed is None:
            raise AuthenticationFailed("Invalid signature header.")
        secret = self._signing_keys.get(parsed.key_id)
        if secret is None:
            if self._strict:
                raise AuthenticationFailed("Bad API key")
            return Identity(f"key:{parsed.key_id}", None, "signature")
        raw_path = request.scope.get("raw_path") or request.path.encode()
        query = request.scope.get("query_string") or b""
        target = raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        headers = {name.lower(): value for name, value in request.headers.items()}
        if not signature.verify(parsed, secret, request.method, target, headers):
            raise AuthenticationFailed("Bad signature")
        return Identity(f"key:{parsed.key_id}", None, "signature")
