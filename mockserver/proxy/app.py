"""The proxy's ASGI application: forward each exchange, check it, record violations, answer as
the mode says; `GET /__mockserver__/violations` shows them live; the reports and the recording
are written when the server stops."""

import itertools
import logging
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import Receive, Scope, Send

from mockserver.apis import load_catalogue
from mockserver.proxy.behaviour import BehaviourChecker
from mockserver.proxy.exchange import Exchange
from mockserver.proxy.exchange_checks import ExchangeChecker, Finding
from mockserver.proxy.forwarding import Upstream, UpstreamAnswer, UpstreamFault
from mockserver.proxy.recording import Recorder
from mockserver.proxy.reports import Traffic, report_data, write_json, write_junit
from mockserver.proxy.settings import ProxySettings
from mockserver.proxy.tenancy import TenantKeys
from mockserver.proxy.violations import ViolationLog, excerpt, is_note, violation
from mockserver.spec.catalogue import Catalogue

logger = logging.getLogger("mockserver.proxy")
VIOLATIONS_PATH = "/__mockserver__/violations"
ANNOTATION = b"x-mockserver-violations"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Never replaced, whatever the mode: the upstream's own refusal is the client's to see (Prism #2527).
UPSTREAM_REFUSALS = frozenset({401, 403})


class ClientGone(Exception):
    """The client disconnected before its request body arrived."""


class BodyTooLarge(Exception):
    pass


def _json_reply(status: int, data: Any) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = orjson.dumps(data)
    return (
        status,
        [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        body,
    )


def grouped(findings: list[Finding], shown: int = 3) -> list[Finding]:
    """One violation per kind and exchange: a schema broken in every result is one finding."""
    by_kind: dict[str, list[str]] = {}
    for kind, message in findings:
        by_kind.setdefault(kind, []).append(message)
    return [
        (
            kind,
            " | ".join(messages[:shown])
            + (f" (+{len(messages) - shown} more)" if len(messages) > shown else ""),
        )
        for kind, messages in by_kind.items()
    ]


class ProxyApp:
    def __init__(self, settings: ProxySettings, catalogue: Catalogue | None = None) -> None:
        self.settings = settings
        self.catalogue = catalogue or load_catalogue(settings.apis, settings.specs, control=False)
        self.upstream = Upstream(
            settings.upstream, settings.upstream_ca, settings.upstream_timeout, settings.upstream_host
        )
        self.checker = ExchangeChecker(settings.max_body_bytes, self.catalogue)
        self.behaviour = BehaviourChecker(self.catalogue, settings.profiles)
        self.keys = TenantKeys()
        self.violations = ViolationLog(settings.violations_kept)
        self.notes = ViolationLog(settings.violations_kept)  # decided, not documented: never a failure
        self.traffic = Traffic()
        self.recorder = Recorder(self.catalogue, settings.apis, self.keys) if settings.record else None
        self._sequence = itertools.count(1)
        self.finished = False

    # ASGI -------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["path"] == VIOLATIONS_PATH and scope["method"] == "GET":
            await self._send(send, *_json_reply(200, self.live(scope)), head=False)
            return
        try:
            status, headers, body = await self.exchange(scope, receive)
        except ClientGone:
            return
        await self._send(send, status, headers, body, head=scope["method"] == "HEAD")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.finish()
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    async def _send(
        send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes, head: bool
    ) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})

    # one exchange -----------------------------------------------------------------------
    async def exchange(self, scope: Scope, receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        headers = list(scope.get("headers") or [])
        try:
            body = await self._body(receive)
        except BodyTooLarge:
            return _json_reply(
                413, {"detail": f"mockserver proxy: a body over {self.settings.max_body_bytes} bytes"}
            )
        host = next((v.decode("latin-1") for k, v in headers if k == b"host"), None)
        if host is None:
            server = scope.get("server") or ("localhost", None)
            host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
        exchange = Exchange(
            sequence=next(self._sequence),
            method=scope["method"],
            raw_path=scope.get("raw_path") or scope["path"].encode(),
            query_string=scope.get("query_string") or b"",
            request_headers_raw=headers,
            request_body=body,
            client_base=f"{scope.get('scheme', 'http')}://{host}",
        )
        authorization = exchange.request_headers.get("authorization")
        exchange.tenant = self.keys.tenant(authorization)
        exchange.match, exchange.operation = self.catalogue.api_operation(exchange.method, exchange.path)
        if self.settings.read_only and exchange.method not in READ_METHODS:
            return _json_reply(
                403,
                {
                    "detail": f"mockserver proxy is read-only (--read-only): {exchange.method} is not sent "
                    f"to the upstream."
                },
            )
        answer = await self.upstream.forward(
            exchange.method, exchange.raw_path, exchange.query_string, headers, body
        )
        if isinstance(answer, UpstreamFault):
            return self._fault(exchange, answer)
        exchange.status = answer.status
        exchange.response_headers_raw = answer.headers
        exchange.response_body = answer.body
        try:
            findings = await self._findings(exchange)
        except Exception:  # a checker's own bug must never cost the client its answer
            logger.exception("mockserver proxy: checking exchange #%s failed", exchange.sequence)
            findings = [("proxy.internal", "the proxy could not check this exchange; see its log")]
        return self._answer(exchange, answer, findings)

    async def _body(self, receive: Receive) -> bytes:
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            body = message.get("body", b"")  # the usual case: the whole body in one message
            if len(body) > self.settings.max_body_bytes:
                raise BodyTooLarge
            return body
        return await self._rest_of_body(receive, message)

    async def _rest_of_body(self, receive: Receive, message: Any) -> bytes:
        """A body in several messages (or a disconnect), from the first one received."""
        chunks, size = [], 0
        while True:
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.settings.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
            message = await receive()

    def client_bases(self, exchange: Exchange) -> list[str]:
        bases = [exchange.client_base]
        if self.upstream.own_host:
            bases.append(self.upstream.origin)  # the upstream was sent its own Host
        return bases

    async def _findings(self, exchange: Exchange) -> list[Finding]:
        if exchange.status >= 500:
            return [("upstream.5xx", f"the upstream answered {exchange.status}")]
        problem = self.checker.non_json_success(exchange)
        if problem:
            return [("upstream.non_json", problem)]
        bases = self.client_bases(exchange)
        findings = await self.checker.request_findings(exchange)
        findings += self.checker.response_findings(exchange, bases)
        findings += self.behaviour.findings(exchange, bases)
        if self.recorder is not None:
            self.recorder.observe(exchange)
        return grouped(findings)

    def _note(self, exchange: Exchange, findings: list[Finding]) -> list[Finding]:
        """Count the exchange, log its findings; the violations among them are returned."""
        self.traffic.note(exchange.operation_id, exchange.status, exchange.method, exchange.path)
        found = []
        for kind, message in findings:
            (self.notes if is_note(kind) else self.violations).add(violation(exchange, kind, message))
            if not is_note(kind):
                found.append((kind, message))
        return found

    def _fault(
        self, exchange: Exchange, fault: UpstreamFault
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        exchange.status = fault.status
        self._note(exchange, [(f"upstream.{fault.cause}", fault.message)])
        return _json_reply(
            fault.status,
            {"detail": f"mockserver proxy: the upstream {self.upstream.base_url}: {fault.message}."},
        )

    def _answer(
        self, exchange: Exchange, answer: UpstreamAnswer, findings: list[Finding]
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        findings = self._note(exchange, findings)
        if findings and findings[0][0] in ("upstream.5xx", "upstream.non_json"):
            return _json_reply(
                502,
                {
                    "detail": f"mockserver proxy: the upstream failed: {findings[0][1]}.",
                    "upstream_status": answer.status,
                    "upstream_body": excerpt(exchange.response_plain or answer.body),
                },
            )
        mode = self.settings.mode
        if not findings or mode == "observe":
            return answer.status, answer.headers, answer.body
        if mode == "annotate" or answer.status in UPSTREAM_REFUSALS:
            where = f"{len(findings)}; {VIOLATIONS_PATH}?exchange={exchange.sequence}"
            headers = [(k, v) for k, v in answer.headers if k.lower() != ANNOTATION]
            return answer.status, [*headers, (ANNOTATION, where.encode())], answer.body
        return _json_reply(
            502,
            {
                "detail": f"mockserver proxy: the exchange breaks the contract ({len(findings)} violation(s)).",
                "violations": [f"[{kind}] {message}" for kind, message in findings[:20]],
                "upstream_status": answer.status,
                "upstream_body": excerpt(exchange.response_plain or answer.body),
                "details": f"{VIOLATIONS_PATH}?exchange={exchange.sequence}",
            },
        )

    # live view and the end ----------------------------------------------------------------
    def live(self, scope: Scope) -> dict[str, Any]:
        query = dict(parse_qsl((scope.get("query_string") or b"").decode("latin-1")))
        exchange = query.get("exchange")
        chosen = self.violations.select(
            operation=query.get("operation") or None,
            tenant=query.get("tenant") or None,
            kind=query.get("kind") or None,
            exchange=int(exchange) if exchange and exchange.isdigit() else None,
        )
        notes = self.notes.select(
            operation=query.get("operation") or None,
            tenant=query.get("tenant") or None,
            exchange=int(exchange) if exchange and exchange.isdigit() else None,
        )
        return {
            "count": len(chosen),
            "total": self.violations.total,
            "exchanges": self.traffic.exchanges,
            "violations": [v.as_dict() for v in chosen],
            "notes_total": self.notes.total,
            "notes": [n.as_dict() for n in notes],
        }

    def report(self) -> dict[str, Any]:
        return report_data(
            self.catalogue,
            self.traffic,
            self.violations.all(),
            self.violations.total,
            self.settings.upstream,
            self.notes.all(),
        )

    @property
    def exit_status(self) -> int:
        asked = self.settings.report_json or self.settings.junit_xml
        return 1 if asked and self.violations.total else 0

    async def finish(self) -> None:
        """Write what was asked for; called once when the server stops (SIGINT/SIGTERM)."""
        if self.finished:
            return
        self.finished = True
        settings = self.settings
        if settings.report_json:
            write_json(settings.report_json, self.report())
        if settings.junit_xml:
            write_junit(
                settings.junit_xml, self.catalogue, self.traffic, self.violations.all(), self.notes.all()
            )
        if self.recorder is not None and settings.record:
            self.recorder.save(settings.record)
        await self.upstream.close()
        logger.info(
            "mockserver proxy: %d exchanges, %d violations, %d notes (decided, not documented)",
            self.traffic.exchanges,
            self.violations.total,
            self.notes.total,
        )
