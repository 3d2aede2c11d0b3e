"""Hand-written hypothesis state machines over any target: the documents' promises under random
sequences of uploads, replacements and reads (Datawiz), and of executes and polls (Akinon).
Every object written carries the run prefix; counts are read through search=<prefix>."""

import itertools
import secrets
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from contract_tests.akinon_checks import endpoint
from contract_tests.collection_writes import isolates_by_search, upload_counts
from contract_tests.context import Context, declared_collection, declared_task
from contract_tests.datawiz_checks import (
    DOCUMENTS,
    documents_path,
    ensure_products,
    expected_representation,
    product_id,
)

KEYS = st.sampled_from(["k0", "k1", "k2", "k3", "k4"])
# What a machine reports as the deployment's failure: a promise asserted, or hypothesis noticing
# the target changed under it. Anything else is the suite's own error (or the run's cut-off).
BROKEN_PROMISE = (AssertionError, Flaky)


def answer_json(answer: httpx.Response, what: str) -> Any:
    """The JSON body of an answer, asserted to be one."""
    media_type = answer.headers.get("content-type", "").split(";")[0].strip()
    assert media_type == "application/json", (
        f"{what} answered {answer.status_code} {media_type or '(no type)'}, not JSON"
    )
    try:
        return answer.json()
    except ValueError:
        raise AssertionError(f"{what} answered invalid JSON: {answer.text[:200]}") from None


def field(body: Any, name: str, expected: type | tuple[type, ...], what: str) -> Any:
    """`body[name]`, asserted to be there with the type the documents give it."""
    assert isinstance(body, dict) and isinstance(body.get(name), expected), (
        f"{what}: {name!r} is not {expected}: {str(body)[:300]}"
    )
    return body[name]


def _settings(ctx: Context) -> settings:
    return settings(
        max_examples=max(3, ctx.options.max_examples // 2),
        stateful_step_count=6,
        deadline=None,
        database=None,
        derandomize=True,
        # No shrinking: the target keeps state between examples, so a replay is not the same run.
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )


def upsert_machine(ctx: Context) -> None:
    ensure_products(ctx, "p1")
    collection = declared_collection(ctx.target.facts, DOCUMENTS)  # its key, as the spec declares it
    docs = documents_path(ctx)
    if not isolates_by_search(ctx, collection):
        return  # the target does not search where the fake decided to (noted): counts cannot be read
    disorders: list[str] = []  # ordering=-price_total not followed (judged by its provenance below)

    class UpsertPromises(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            # A fresh prefix per example, so examples never see each other's documents.
            self.prefix = f"{ctx.options.prefix}m{secrets.token_hex(2)}-"
            self.model: dict[str, dict[str, Any]] = {}

        def document(self, key: str, total: int, responsible: str) -> dict[str, Any]:
            line = {
                "product_id": product_id(ctx, "p1"),
                "qty": "2.0000",
                "price": "1.0000",
                "price_total": f"{total}.0000",
            }
            return {
                "relocate_id": self.prefix + key,
                "price_total": f"{total}.0000",
                "relocate_date": "2016-01-01T00:00:00",
                "responsible": responsible,
                "sender_shop_id": None,
                "receiver_shop_id": None,
                "products": [line],
            }

        @rule(
            batch=st.lists(
                st.tuples(KEYS, st.integers(1, 500), st.sampled_from(["a", "b", ""])), min_size=1, max_size=4
            )
        )
        def upload(self, batch: list[tuple[str, int, str]]) -> None:
            documents = [self.document(*item) for item in batch]
            known, inserted = set(self.model), 0
            for document in documents:
                inserted += collection.key_of(document) not in known
                known.add(collection.key_of(document))
            answer = ctx.target.api_call("POST", docs, json=documents)
            expected = {"updated": len(documents) - inserted, "inserted": inserted}
            assert answer.status_code == 201, f"upload answered {answer.status_code}: {answer.text[:300]}"
            counts = upload_counts(
                ctx, collection, answer_json(answer, f"POST {docs}"), f"POST {docs}", answer
            )
            assert counts == expected, f"counts {counts} where {expected} was new/replaced"
            for document in documents:
                self.model[collection.key_of(document)] = document

        @invariant()
        def collection_equals_model(self) -> None:
            if not hasattr(self, "model"):
                return
            seen, url = [], f"{docs}?search={self.prefix}&page_size=2&ordering=-price_total"
            while url:
                page = answer_json(ctx.target.api_call("GET", url), f"GET {docs}")
                count = field(page, "count", int, f"GET {docs}")
                assert count == len(self.model), f"count {count} for {len(self.model)} documents"
                seen += field(page, "results", list, f"GET {docs}")
                url = field(page, "next", (str, type(None)), f"GET {docs}")
            assert len(seen) == len(self.model), "walking next did not visit every document once"
            totals = [Decimal(str(field(d, "price_total", str, f"GET {docs}"))) for d in seen]
            if totals != sorted(totals, reverse=True):
                disorders.append(", ".join(map(str, totals)))
            for document in seen:
                key = collection.key_of(document) if all(k in document for k in collection.key) else None
                assert key in self.model, f"listed {document} is not one of the documents uploaded"
                expected = expected_representation(ctx, self.model[key])
                assert document == expected, f"read back {document} for {expected}"

    try:
        run_state_machine_as_test(UpsertPromises, settings=_settings(ctx))
    except BROKEN_PROMISE as error:
        ctx.fail(f"POST/GET {docs}", (str(error).splitlines() or [type(error).__name__])[0][:600])
    ctx.judge(
        collection.provenance.of("ordering", "price_total"),
        not disorders,
        f"GET {docs}?ordering=-price_total",
        "ordering=-price_total sorts by number, descending",
        actual=disorders[:1],
    )


def lifecycle_machine(ctx: Context) -> None:
    task = declared_task(ctx.target.facts)
    idle, running, outcomes = task.idle, task.running, tuple(task.outcomes)
    status_path, execute_path = endpoint(ctx.target.facts, "status"), endpoint(ctx.target.facts, "execute")
    idle_after_outcome: list[str] = []

    class LifecyclePromises(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            self.history: list[str] = [self.status()]

        def status(self) -> str:
            value = field(
                answer_json(ctx.target.api_call("GET", status_path), f"GET {status_path}"),
                "result",
                str,
                f"GET {status_path}",
            )
            value = task.state_of(value)  # another spelling is noted by akinon.documented_values
            assert value in task.states, f"state {value!r} is not one of {task.states}"
            return value

        @rule()
        def execute(self) -> None:
            answer = ctx.target.api_call("POST", execute_path, json={})
            assert answer.status_code == 204 or (answer.status_code == 400 and not ctx.target.is_fake), (
                f"execute answered {answer.status_code}"
            )
            if answer.status_code == 204:
                self.history.append("(execute)")

        @rule()
        def poll(self) -> None:
            self.history.append(self.status())

        @rule(seconds=st.sampled_from([1, 5]))
        def wait(self, seconds: int) -> None:
            ctx.target.advance_clock(seconds)

        @invariant()
        def transitions_are_documented(self) -> None:
            if not hasattr(self, "history"):
                return
            states, started, ended = self.history, False, False  # ended: idle after an outcome
            for before, after in itertools.pairwise(states):
                if before in outcomes and after == idle:
                    # "no active task: READY" read literally; the fake keeps the outcome (decided)
                    idle_after_outcome.append(f"{before} -> {after}")
                    ended = True
                elif before in outcomes:
                    assert after in (before, "(execute)"), f"{before} -> {after} without an execute"
                if before == running:
                    assert after in (running, "(execute)", *outcomes), f"{running} -> {after}"
                if after == "(execute)":
                    started, ended = True, False
                elif after == idle and started and not ended:
                    raise AssertionError(f"{idle} after a task started")

    try:
        run_state_machine_as_test(LifecyclePromises, settings=_settings(ctx))
    except BROKEN_PROMISE as error:
        ctx.fail(
            f"POST {execute_path}, GET {status_path}",
            (str(error).splitlines() or [type(error).__name__])[0][:600],
        )
    ctx.judge(
        task.provenance.of("outcome_reported"),
        not idle_after_outcome,
        f"GET {status_path}",
        "the outcome is reported until the next execute",
        actual=idle_after_outcome[:1],
    )


CHECKS = {
    "datawiz": [("datawiz.upsert_state_machine", upsert_machine, True)],
    "akinon": [("akinon.lifecycle_state_machine", lifecycle_machine, True)],
}
