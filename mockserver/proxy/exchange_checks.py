"""Check one exchange against the spec with the fake's own validators: the request (unless the
upstream refused it with a 4xx, as a real service judged it) and the answer always, error
answers included: documented status, media type, schema, documented headers, WWW-Authenticate,
Location, DRF's error shapes."""

from typing import Any

import jsonschema_rs

from mockserver.drf.errors import APIError
from mockserver.drf.judgements import (
    challenge_problem,
    error_form_problem,
    error_shape_problem,
    link_on_host,
    options_actions_problem,
    parse_error_problem,
)
from mockserver.drf.metadata import options_metadata
from mockserver.drf.negotiation import JSON_RENDERER, select_renderer
from mockserver.drf.parsing import NO_BODY, PARSED_MEDIA_TYPES, parse_body
from mockserver.drf.serializer import BodyValidator, compile_body
from mockserver.incoming import IncomingRequest
from mockserver.proxy.exchange import NOT_JSON, Exchange, parse_json
from mockserver.proxy.violations import note
from mockserver.spec.catalogue import Catalogue
from mockserver.spec.loader import Operation, PathItem
from mockserver.spec.provenance import NONE, Provenance
from mockserver.spec.response_check import ResponseChecker

Finding = tuple[str, str]  # (kind, message)


def _replay(body: bytes):
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _kind(message: str) -> str:
    if "is not documented" in message:
        return "response.status"
    if "media type" in message:
        return "response.content_type"
    if "documents no body" in message:
        return "response.body"
    return "response.schema"


def asked_for_html(exchange: Exchange) -> bool:
    """DRF's browsable API: a browser's Accept or ?format=api gets HTML, which is not JSON."""
    return "text/html" in exchange.request_headers.get("accept", "") or exchange.query.get("format") == "api"


def negotiated_json(exchange: Exchange) -> bool:
    """Whether DRF's content negotiation (its renderers JSON, then the browsable API) picks JSON
    for this request: Accept absent, */*, application/json, or a json format; False when it picks
    HTML or refuses (406, or 404 for an unknown format)."""
    match = exchange.match
    chosen = (match.format_suffix if match else None) or exchange.query.get("format")
    try:
        return select_renderer(exchange.request_headers.get("accept"), chosen or None) == JSON_RENDERER
    except APIError:
        return False


# Methods a DRF generic viewset may serve beyond what a spec lists (a ModelViewSet's instance).
VIEWSET_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Header verdicts and Allow lists remembered, at most (then forgotten all at once).
VERDICTS_KEPT = 4096


class ExchangeChecker:
    def __init__(self, max_body_bytes: int, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        self._allow: dict[str, Provenance] = {}
        self._responses = ResponseChecker()
        self._bodies: dict[tuple[str, str], BodyValidator] = {}
        self._headers: dict[tuple[str, int, str], Any] = {}
        self._header_verdicts: dict[tuple[str, int, str, str], bool] = {}
        self._allow_lists: dict[str, frozenset[str]] = {}
        self._path_methods: dict[str, frozenset[str]] = {}
        self._limit = max_body_bytes
        self._options: dict[str, dict[str, Any]] = {}
        self._documented: dict[tuple[str, int], dict[str, Any]] = {}

    # the request ------------------------------------------------------------------------
    async def request_findings(self, exchange: Exchange) -> list[Finding]:
        operation = exchange.operation
        if operation is None or 400 <= exchange.status < 500 or not operation.request_schemas_full:
            return []
        if operation.definition.get("x-mockserver-raw-body"):
            return []
        scope = {
            "type": "http",
            "method": exchange.method,
            "path": exchange.path,
            "raw_path": exchange.raw_path,
            "query_string": exchange.query_string,
            "headers": exchange.request_headers_raw,
        }
        request = IncomingRequest(scope, _replay(exchange.request_body))
        accepted = tuple(mt for mt in operation.request_schemas_full if mt in PARSED_MEDIA_TYPES)
        try:
            parsed = await parse_body(request, accepted, self._limit)
            if parsed is NO_BODY:
                parsed = {}
            validator = self._validator(operation, request.headers.get("content-type", "application/json"))
            if validator is not None:
                # related objects are the upstream's to know; the cleaned body is what an
                # accepted upload promises later reads (behaviour.read_your_writes)
                exchange.cleaned = validator(parsed, None)
        except APIError as error:
            return [
                (
                    "request",
                    f"the upstream answered {exchange.status} to a request the spec refuses "
                    f"({error.status_code}): {str(error.body())[:300]}",
                )
            ]
        return []

    def _validator(self, operation: Operation, content_type: str) -> BodyValidator | None:
        sent = content_type.split(";")[0].strip().lower()
        media_type = sent if sent in operation.request_schemas else "application/json"
        key = (operation.operation_id, media_type)
        if key not in self._bodies:
            schema = operation.request_schemas.get(media_type)
            if not schema:
                return None
            self._bodies[key] = compile_body(schema)
        return self._bodies[key]

    def allow_provenance(self, path_item: PathItem) -> Provenance:
        """Where the methods a path allows come from: the `allow` provenance of the collection the
        path belongs to (its list, its detail, or a nested item under its list path)."""
        found = self._allow.get(path_item.path)
        if found is None:
            owners = [
                c
                for c in self._catalogue.collections
                if c.api == path_item.api and path_item.path.startswith(c.list_path)
            ]
            owner = max(owners, key=lambda c: len(c.list_path), default=None)
            found = self._allow[path_item.path] = owner.provenance.of("allow") if owner else NONE.documented
        return found

    # the answer -------------------------------------------------------------------------
    def non_json_success(self, exchange: Exchange) -> str | None:
        """A 2xx whose body cannot be read as the JSON the operation documents: an upstream fault."""
        operation = exchange.operation
        if operation is None or not 200 <= exchange.status < 300 or exchange.method == "HEAD":
            return None
        spec = operation.response_spec(exchange.status)
        if spec is None or "application/json" not in spec.content:
            return None
        plain = exchange.response_plain
        if not plain:
            return None
        json_labelled = exchange.media_type == "application/json"
        if json_labelled and exchange.response_json is not NOT_JSON:
            return None  # JSON, as documented, whatever was asked
        if asked_for_html(exchange):
            return None
        if json_labelled:
            return "a JSON answer whose body is not JSON"
        if exchange.media_type != "application/json" and parse_json(plain) is NOT_JSON:
            return f"a {exchange.media_type or 'untyped'} body where the spec documents JSON"
        return None

    def response_findings(self, exchange: Exchange, client_bases: list[str]) -> list[Finding]:
        operation, match = exchange.operation, exchange.match
        if match is None:
            return []  # a path the specs do not describe: not theirs to judge
        findings: list[Finding] = []
        status, headers = exchange.status, exchange.response_headers
        if operation is None:
            if status < 400:
                message = f"{exchange.method} answered {status}, but the spec has no such operation"
                extra = self.allow_provenance(match.path_item)
                if extra.decided and match.path_item.is_drf and exchange.method in VIEWSET_WRITES:
                    findings.append(note("allow", extra, message))
                else:
                    findings.append(("response.status", message))
            return findings
        plain = exchange.response_plain
        data = exchange.response_json
        has_body = bool(exchange.response_body)
        if plain is not None and exchange.media_type == "application/json" and has_body and data is NOT_JSON:
            findings.append(("response.body", "the answer says application/json but its body is not JSON"))
        elif plain is not None:
            media_type = exchange.media_type if has_body else None
            checked = None if data is NOT_JSON else data
            for message in self._responses.problems(operation, status, media_type, checked, has_body):
                findings.append((_kind(message), message))
        if exchange.media_type == "text/html" and has_body and operation.is_drf and negotiated_json(exchange):
            findings.append(
                (
                    "response.content_type",
                    f"text/html to a client that did not ask for HTML "
                    f"(Accept: {exchange.request_headers.get('accept', 'absent')!r}): DRF answers its "
                    f"first renderer, JSON, as application/json",
                )
            )
        findings += self._header_findings(exchange, client_bases)
        problem = challenge_problem(status, headers)
        if problem:
            findings.append(("response.header", problem))
        if operation.is_drf and data is not NOT_JSON and exchange.method != "HEAD":
            problem = error_shape_problem(status, data)
            if problem is None and status == 400:  # the one status the request's body bears on
                problem = error_form_problem(exchange.request_json, status, data) or (
                    parse_error_problem(status, data) if self._serialized(exchange) else None
                )
            if problem:
                findings.append(("response.error_shape", problem))
            if exchange.method == "OPTIONS" and status == 200:
                problem = options_actions_problem(data, self._metadata(match.path_item))
                if problem:
                    findings.append(("response.options", problem))
        return findings

    @staticmethod
    def _serialized(exchange: Exchange) -> bool:
        """Whether the request's body parsed as DRF's JSON parser reads it, for an operation whose
        body a serializer validates: then a 400 is the serializer's."""
        operation = exchange.operation
        if operation is None or not operation.request_schemas_full:
            return False
        if operation.definition.get("x-mockserver-raw-body"):
            return False
        content_type = exchange.request_headers.get("content-type", "").lower()
        charset = content_type.partition("charset=")[2].strip().strip('"')
        return exchange.request_json is not NOT_JSON and charset in ("", "utf-8", "utf8")

    def _metadata(self, path_item: PathItem) -> dict[str, Any]:
        found = self._options.get(path_item.path)
        if found is None:
            found = self._options[path_item.path] = options_metadata(path_item)
        return found

    def _documented_headers(self, operation: Operation, status: int) -> dict[str, Any]:
        """The headers the spec documents for a status, by lower-case name: read once each."""
        key = (operation.operation_id, status)
        found = self._documented.get(key)
        if found is None:
            spec = operation.response_spec(status)
            found = {name.lower(): value for name, value in (spec.headers if spec else {}).items()}
            self._documented[key] = found
        return found

    def _header_valid(
        self, operation: Operation, status: int, name: str, schema: dict[str, Any], value: str
    ) -> bool:
        """Whether a documented header's value is what its schema says; a deployment repeats the
        same few values, so each verdict is kept (a bounded number of them)."""
        key = (operation.operation_id, status, name, value)
        verdict = self._header_verdicts.get(key)
        if verdict is None:
            validator = self._headers.get(key[:3])
            if validator is None:
                validator = self._headers[key[:3]] = jsonschema_rs.validator_for(schema)
            if len(self._header_verdicts) >= VERDICTS_KEPT:
                self._header_verdicts.clear()
            verdict = self._header_verdicts[key] = validator.is_valid(value)
        return verdict

    def _methods(self, path_item: PathItem) -> frozenset[str]:
        """The methods the spec lists for a path, as a set (read once per path)."""
        methods = self._path_methods.get(path_item.path)
        if methods is None:
            methods = self._path_methods[path_item.path] = frozenset(path_item.operations)
        return methods

    def _allowed(self, allow: str) -> frozenset[str]:
        """The methods an Allow header lists (a deployment sends the same few)."""
        methods = self._allow_lists.get(allow)
        if methods is None:
            if len(self._allow_lists) >= VERDICTS_KEPT:
                self._allow_lists.clear()
            methods = frozenset(m.strip().upper() for m in allow.split(",") if m.strip())
            self._allow_lists[allow] = methods
        return methods

    def _header_findings(self, exchange: Exchange, client_bases: list[str]) -> list[Finding]:
        operation, match = exchange.operation, exchange.match
        assert operation is not None and match is not None
        findings: list[Finding] = []
        headers = exchange.response_headers
        documented = self._documented_headers(operation, exchange.status)
        for name, declared in documented.items():
            value = headers.get(name)
            if value is None:
                if declared.get("required"):
                    findings.append(("response.header", f"the documented {name} header is missing"))
                continue
            schema = declared.get("schema")
            if name == "allow" and match.path_item.is_drf:
                continue  # judged below as DRF lets it vary
            if (
                isinstance(schema, dict)
                and schema
                and not self._header_valid(operation, exchange.status, name, schema, value)
            ):
                findings.append(("response.header", f"{name}: {value!r} is not what the spec documents"))
        allow = headers.get("allow")
        if allow is not None and match.path_item.is_drf:
            # DRF lists what the view serves: the documented methods must be there; a viewset
            # may serve more (a ModelViewSet's PUT, DELETE), which only a decision rules out.
            said = self._allowed(allow)
            listed = self._methods(match.path_item)
            if said != listed:
                missing, extra = listed - said, said - listed
                message = f"Allow: {allow!r}, the spec's methods are {match.path_item.allow_header!r}"
                chosen = self.allow_provenance(match.path_item)
                if missing or (extra and not chosen.decided):
                    findings.append(("response.header", message))
                elif extra:
                    findings.append(note("allow", chosen, message))
        location = headers.get("location")
        if (
            location
            and location.startswith(("http://", "https://"))
            and not link_on_host(location, client_bases)
        ):
            findings.append(("response.header", f"Location {location!r} is not on the host the client asked"))
        return findings
