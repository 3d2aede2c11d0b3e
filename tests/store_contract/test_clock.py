"""The clock family: the fake's virtual clock and each tenant's own clock over it, on both stores."""

from mockserver.store import VirtualClock, clock


def test_clock_advance_freeze_release():
    wall = [1000.0]
    clock = VirtualClock(time_source=lambda: wall[0])
    clock.advance(60)
    assert clock.now() == 1060
    clock.freeze()
    wall[0] = 2000.0
    assert clock.now() == 1060
    clock.advance(5)
    clock.release()
    assert clock.now() == 1065
    wall[0] = 2010.0
    assert clock.now() == 1075


def test_the_store_clock_advances_freezes_and_releases_for_every_process(new_store):
    wall = [1000.0]
    store, other = new_store(time_source=lambda: wall[0]), new_store(time_source=lambda: wall[0])
    assert store.advance_clock(60)["now"] == 1060
    assert other.freeze_clock() == {"now": 1060, "offset_seconds": 60, "frozen": True}
    wall[0] = 2000.0
    assert store.now() == 1060
    store.advance_clock(5)
    assert other.release_clock()["now"] == 1065
    wall[0] = 2010.0
    assert store.now() == other.now() == 1075
    store.reset()
    assert store.clock_state() == {"now": 2010.0, "offset_seconds": 0.0, "frozen": False}


def test_each_tenant_has_a_clock_of_its_own_over_the_fakes(new_store):
    """A tenant's time is the fake's clock plus its own offset, or its frozen instant: one tenant
    moving its clock never moves another's, on either store and for every process sharing it."""
    wall = [1000.0]
    store, other = new_store(time_source=lambda: wall[0]), new_store(time_source=lambda: wall[0])
    assert (
        clock.change_tenant_clock(store, "a", lambda c, now: clock.advance_tenant(c, now, 30))["now"] == 1030
    )
    assert clock.time_of(other, "a") == 1030  # shared with every process of the store
    assert clock.time_of(other, "b") == 1000  # tenant b is untouched
    assert clock.change_tenant_clock(other, "b", clock.freeze_tenant)["frozen"] is True
    wall[0] = 1100.0
    assert (clock.time_of(store, "a"), clock.time_of(store, "b")) == (1130, 1000)
    store.advance_clock(10)  # the fake's clock (an admin action) moves every tenant not frozen
    assert (clock.time_of(store, "a"), clock.time_of(store, "b"), clock.time_of(store, None)) == (
        1140,
        1000,
        1110,
    )
    clock.change_tenant_clock(store, "b", lambda c, now: clock.advance_tenant(c, now, 5))
    assert clock.tenant_clock(store, "b") == {"now": 1005, "offset_seconds": -105, "frozen": True}
    assert clock.change_tenant_clock(store, "b", clock.release_tenant)["frozen"] is False
    wall[0] = 1200.0
    assert clock.time_of(other, "b") == 1105  # runs again from where it stood
    store.reset("a")  # a tenant's reset takes its clock back to the fake's
    assert clock.time_of(store, "a") == 1210
