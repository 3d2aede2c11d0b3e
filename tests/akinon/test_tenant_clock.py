"""Each tenant's task runs on its own clock: a control call naming a tenant moves that tenant's time
only; one naming none (the admin scope) moves the fake's clock and every tenant not frozen."""

BASE = "/api/v1/oms/setup/addresses/"
MINE, THEIRS = {"Authorization": "Token mine"}, {"Authorization": "Token theirs"}


def status(client, headers):
    return client.get(BASE + "get_async_status/", headers=headers).json()["result"]


def clock(client, verb, headers=None, **body):
    answer = client.post(f"/__mockserver__/clock/{verb}", headers=headers or {}, json=body or None)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_advancing_my_clock_finishes_my_task_only(client):
    for headers in (MINE, THEIRS):
        assert client.post(BASE + "execute/", headers=headers).status_code == 204
    moved = clock(client, "advance", MINE, seconds=60)
    assert moved["offset_seconds"] == 60 and moved["frozen"] is False
    assert (status(client, MINE), status(client, THEIRS)) == ("FINISHED", "WORKING")
    mine = client.get("/__mockserver__/clock", headers=MINE).json()
    theirs = client.get("/__mockserver__/clock", headers=THEIRS).json()
    assert round(mine["now"] - theirs["now"]) == 60 and theirs["offset_seconds"] == 0


def test_a_frozen_tenant_ignores_the_fakes_clock_until_released(client):
    client.post(BASE + "execute/", headers=MINE)
    client.post(BASE + "execute/", headers=THEIRS)
    assert clock(client, "freeze", MINE)["frozen"] is True
    clock(client, "advance", seconds=60)  # the admin scope: the fake's clock
    assert (status(client, MINE), status(client, THEIRS)) == ("WORKING", "FINISHED")
    assert client.get("/__mockserver__/clock").json()["offset_seconds"] == 60
    clock(client, "advance", MINE, seconds=60)  # a frozen clock still moves when told to
    assert status(client, MINE) == "FINISHED"
    assert clock(client, "release", MINE)["frozen"] is False


def test_a_tenants_clock_is_part_of_its_state_and_its_reset(client):
    clock(client, "advance", MINE, seconds=120)
    dumped = client.get("/__mockserver__/state", headers=MINE).json()
    assert dumped["values"]["clock"]["offset"] == 120
    assert client.post("/__mockserver__/reset", headers=MINE).status_code == 200
    assert client.get("/__mockserver__/clock", headers=MINE).json()["offset_seconds"] == 0
    assert client.put("/__mockserver__/state", headers=MINE, json=dumped).status_code in (200, 204)
    assert client.get("/__mockserver__/clock", headers=MINE).json()["offset_seconds"] == 120


def test_an_idle_task_is_polled_without_reading_the_tenants_clock():
    """A task that never started has no time: its status comes from the task value alone (the
    tenant's clock, a second store read on every poll, is read once the task has started)."""
    from mockserver.apis import catalogue
    from mockserver.settings import Settings
    from mockserver.setup_task.state import SetupTaskState
    from mockserver.store import MemoryStore
    from mockserver.store.clock import TENANT_CLOCK

    declaration = next(api for api in catalogue().apis if api.setup_tasks).setup_tasks[0]
    state, store, read = SetupTaskState(declaration, Settings()), MemoryStore(), []
    store.mutate_value("t", declaration.task_value, lambda old: ({"task": None}, None))
    get_value = store.get_value
    store.get_value = lambda tenant, name, default=None: read.append(name) or get_value(tenant, name, default)
    assert state.poll_status(store, "t") == declaration.idle
    assert TENANT_CLOCK not in read
    store.mutate_value("t", declaration.task_value, lambda old: ({"task": {"started_at": 0.0,
        "duration_seconds": 1e12, "polls_seen": 0, "polls_needed": 0}}, None))  # fmt: skip
    assert state.poll_status(store, "t") == declaration.running
    assert TENANT_CLOCK in read
