"""A hypothesis state machine over the Akinon fake: execute, status, is_required, clock, edits, outcomes."""

import warnings

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

warnings.filterwarnings("ignore", category=DeprecationWarning)
from starlette.testclient import TestClient  # noqa: E402

from mockserver.apis import catalogue  # noqa: E402
from mockserver.app import create_app  # noqa: E402
from mockserver.settings import Settings  # noqa: E402
from mockserver.store.base import Store  # noqa: E402
from mockserver.store.redis_store import RedisStore  # noqa: E402
from tests.redis_server import machine_tests  # noqa: E402

BASE = "/api/v1/oms/setup/addresses/"
H = {"Authorization": "Token machine"}
TASK = catalogue().api("akinon").task
STATUSES = set(TASK.states)


class AddressSetupMachine(RuleBasedStateMachine):
    def new_store(self) -> Store | None:
        return None  # the app's own memory store

    def teardown(self) -> None:
        if isinstance(self.store, RedisStore):
            self.store.close()

    @initialize()
    def start(self) -> None:
        self.store = self.new_store()
        self.client = TestClient(
            create_app(Settings(validate_responses=True, task_seconds=(("addresses", 2),)), store=self.store)
        )
        # Only the machine's own clock rule moves time: on a loaded machine, real seconds passing
        # between two reads would end a task the model still counts as running.
        assert self.client.post("/__mockserver__/clock/freeze").status_code == 200
        self.started_tasks = 0
        self.seen_statuses: list[str] = []
        self.oms_ever: set[str] = set()

    def addresses(self) -> dict:
        return self.client.get("/__mockserver__/akinon/addresses?full=1", headers=H).json()

    @rule()
    def execute(self) -> None:
        before = self.addresses()
        assert self.client.post(BASE + "execute/", headers=H).status_code == 204
        after = self.addresses()
        if before["status"] != "WORKING":
            self.started_tasks += 1
        assert after["task"]["id"] == self.started_tasks

    @rule()
    def poll(self) -> None:
        answer = self.client.get(BASE + "get_async_status/", headers=H)
        assert answer.status_code == 200
        status = answer.json()["result"]
        assert status in STATUSES
        assert (status == "READY") == (self.started_tasks == 0)
        self.seen_statuses.append(status)

    @rule(seconds=st.sampled_from([0.5, 1, 2, 5]))
    def advance(self, seconds: float) -> None:
        self.client.post("/__mockserver__/clock/advance", json={"seconds": seconds})

    @rule(outcome=st.sampled_from(list(TASK.outcomes)))
    def script(self, outcome: str) -> None:
        self.client.post("/__mockserver__/akinon/next-outcomes", headers=H, json={"outcomes": [outcome]})

    @rule(code=st.integers(min_value=82, max_value=90))
    def add_city(self, code: int) -> None:
        body = {"countries": [{"code": "TR", "cities": [{"code": str(code), "name": f"Şehir {code}"}]}]}
        assert (
            self.client.post("/__mockserver__/akinon/omnitron-addresses", headers=H, json=body).status_code
            == 200
        )

    @rule(path=st.sampled_from(["TR/35", "DE", "TR/82", "AZ/BA"]))
    def remove(self, path: str) -> None:
        self.client.delete(f"/__mockserver__/akinon/omnitron-addresses?paths={path}", headers=H)

    @invariant()
    def catalogues_explain_is_required(self) -> None:
        if not hasattr(self, "client"):
            return
        state = self.addresses()
        omnitron, oms = state["omnitron_addresses"], state["oms_addresses"]
        missing = sorted(set(omnitron) - set(oms))
        expected = "true" if missing else "false"
        assert self.client.get(BASE + "is_required/", headers=H).json()["result"] == expected
        assert state["missing_count"] == len(missing)
        # No address is ever lost from OMS, and every OMS parent exists there too.
        assert self.oms_ever <= set(oms)
        self.oms_ever = set(oms)
        for path in oms:
            parent = path.rpartition("/")[0]
            assert not parent or parent in oms


TestAddressSetupMachine, TestAddressSetupMachineOnRedis = machine_tests(
    AddressSetupMachine, examples=25, steps=20
)
