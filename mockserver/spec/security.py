"""The security schemes the specs declare, read once: how a scheme's credential is checked and
the keyword its `Authorization` header starts with (also what a 401 challenges with). The spec
is the only source of a keyword:

- `apiKey` in the `Authorization` header with `x-drf-auth-keyword: <Keyword>`: DRF's
  TokenAuthentication with that keyword (`Authorization: Token <key>`);
- `oauth2`, `openIdConnect` or `http` with `scheme: bearer`: an OAuth2 bearer token (RFC 6750's
  `Bearer`, OpenAPI's own terms);
- `http` with `scheme: signature`: HTTP Signatures (`Authorization: Signature keyId=...`).

Any other scheme stops start-up with its place: the fake could not check what it declares."""

from collections.abc import Iterable
from typing import Any, NamedTuple

from mockserver.spec.errors import StartupError

KEYWORD_EXTENSION = "x-drf-auth-keyword"
BEARER_KEYWORD = "Bearer"  # RFC 6750

TOKEN, BEARER, SIGNATURE = "token", "bearer", "signature"  # how a credential is checked


class AuthScheme(NamedTuple):
    name: str  # as components.securitySchemes names it
    authentication: str  # TOKEN, BEARER or SIGNATURE
    keyword: str  # as the spec writes it; compared without regard to case, as DRF does


def auth_scheme(name: str, scheme: dict[str, Any], where: str = "") -> AuthScheme:
    place = f"{where}components.securitySchemes.{name}"
    scheme_type = scheme.get("type")
    http = str(scheme.get("scheme") or "").lower()
    if scheme_type in ("oauth2", "openIdConnect") or (scheme_type == "http" and http == BEARER):
        return AuthScheme(name, BEARER, BEARER_KEYWORD)
    if scheme_type == "http" and http == SIGNATURE:
        return AuthScheme(name, SIGNATURE, str(scheme["scheme"]))
    if (
        scheme_type == "apiKey"
        and scheme.get("in") == "header"
        and str(scheme.get("name")).lower() == "authorization"
    ):
        keyword = scheme.get(KEYWORD_EXTENSION)
        if not isinstance(keyword, str) or not keyword.isalpha():
            raise StartupError(
                f"{place}.{KEYWORD_EXTENSION}: an apiKey in the Authorization header needs its keyword, "
                "one word such as Token"
            )
        return AuthScheme(name, TOKEN, keyword)
    raise StartupError(
        f"{place}: the fake checks an apiKey in the Authorization header with {KEYWORD_EXTENSION}, "
        "oauth2, openIdConnect, or http with scheme bearer or signature"
    )


def auth_schemes(declared: dict[str, Any], where: str = "") -> dict[str, AuthScheme]:
    """name -> scheme, for one spec's components.securitySchemes (`where`: the file, for errors)."""
    return {name: auth_scheme(name, scheme, where) for name, scheme in declared.items()}


def by_keyword(schemes: Iterable[AuthScheme]) -> dict[str, AuthScheme]:
    """lower-cased keyword -> the first scheme sent with it."""
    found: dict[str, AuthScheme] = {}
    for scheme in schemes:
        found.setdefault(scheme.keyword.lower(), scheme)
    return found


def declared_schemes(specs: Iterable[Any]) -> dict[str, AuthScheme]:
    """Every security scheme of the loaded specs (ApiSpec), by name: operations name them so. Two
    specs may share a scheme only as the same declaration."""
    found: dict[str, AuthScheme] = {}
    for spec in specs:
        for name, scheme in auth_schemes(spec.security_schemes, f"{spec.source.name}: ").items():
            if found.setdefault(name, scheme) != scheme:
                raise StartupError(
                    f"{spec.source.name}: components.securitySchemes.{name}: another spec declares "
                    f"{name} otherwise ({found[name].authentication} {found[name].keyword})"
                )
    return found


def api_keyword(security_schemes: dict[str, Any], security: list[dict[str, Any]] | None) -> str:
    """The keyword a client of an API sends its key with: its first security requirement's
    scheme (the top-level `security`), else its first declared scheme."""
    requirement = next(iter(security or [{}])) or {}
    name = next(iter(requirement), None) or next(iter(security_schemes))
    return auth_scheme(name, security_schemes[name]).keyword
