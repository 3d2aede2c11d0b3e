"""The setup-task rules, without HTTP, on the Akinon address setup as its spec declares it."""

import pytest

from mockserver.apis import catalogue
from mockserver.setup_task import rules as model

KIND = catalogue().api("akinon").task

TREE = {
    "countries": [
        {
            "code": "TR",
            "name": "Türkiye",
            "cities": [
                {
                    "code": "34",
                    "name": "İstanbul",
                    "townships": [
                        {"code": "3423", "name": "Kadıköy", "districts": [{"code": "01", "name": "Moda"}]}
                    ],
                },
                {"code": "06", "name": "Ankara"},
            ],
        }
    ]
}


def fresh(duration=3.0, polls=0, oms=None):
    omnitron = model.flatten(KIND, TREE)
    return model.new_setup_state(KIND, omnitron, oms if oms is not None else {}, duration, polls)


def test_flatten_gives_paths_with_levels():
    catalogue = model.flatten(KIND, TREE)
    assert sorted(catalogue) == ["TR", "TR/06", "TR/34", "TR/34/3423", "TR/34/3423/01"]
    assert catalogue["TR/34/3423/01"] == {"code": "01", "name": "Moda", "level": "district"}


def test_codes_are_required():
    with pytest.raises(model.CatalogueError):
        model.flatten(KIND, {"countries": [{"name": "No code"}]})


def test_status_is_ready_before_any_task_and_derived_from_the_clock():
    state = fresh()
    assert model.task_status_at(KIND, state["task"], 100.0) == "READY"
    state, started = model.start_task(KIND, state, 100.0)
    assert started
    assert model.task_status_at(KIND, state["task"], 102.9) == "WORKING"
    assert model.task_status_at(KIND, state["task"], 103.0) == "FINISHED"


def test_finished_copies_everything_once():
    state, _ = model.start_task(KIND, fresh(duration=0), 0.0)
    state = model.settle(KIND, state, 0.0)
    assert not model.is_required(KIND, state)
    assert state["task"]["copied"] == 5
    again = model.settle(KIND, state, 10.0)
    assert again["task"]["copied"] == 5


def test_failed_copies_a_deterministic_parent_first_half():
    state = fresh(duration=0)
    state["next_outcomes"] = ["FAILED"]
    state, _ = model.start_task(KIND, state, 0.0)
    state = model.settle(KIND, state, 0.0)
    assert sorted(state["oms"]) == ["TR", "TR/06"]
    assert model.is_required(KIND, state)


def test_aborted_copies_nothing():
    state = fresh(duration=0)
    state["next_outcomes"] = ["ABORTED"]
    state, _ = model.start_task(KIND, state, 0.0)
    state = model.settle(KIND, state, 0.0)
    assert state["oms"] == {} and model.task_status_at(KIND, state["task"], 0.0) == "ABORTED"


def test_execute_while_working_starts_nothing():
    state, _ = model.start_task(KIND, fresh(), 0.0)
    state, started = model.start_task(KIND, state, 1.0)
    assert not started and state["tasks_started"] == 1
    state, started = model.start_task(KIND, state, 5.0)
    assert started and state["tasks_started"] == 2


def test_polls_keep_a_task_working():
    state, _ = model.start_task(KIND, fresh(duration=0, polls=2), 0.0)
    state, first = model.poll_status(KIND, state, 0.0)
    state, second = model.poll_status(KIND, state, 0.0)
    state, third = model.poll_status(KIND, state, 0.0)
    assert (first, second, third) == ("WORKING", "WORKING", "FINISHED")


def test_new_omnitron_address_makes_setup_required_again():
    state, _ = model.start_task(KIND, fresh(duration=0), 0.0)
    state = model.settle(KIND, state, 0.0)
    state, result = model.add_items(
        state,
        "omnitron",
        model.flatten(KIND, {"countries": [{"code": "TR", "cities": [{"code": "35", "name": "İzmir"}]}]}),
    )
    assert result == {"added": 1, "changed": 0} and model.is_required(KIND, state)
    with pytest.raises(model.CatalogueError):
        model.add_items(state, "omnitron", {"DE": {"code": "DE", "level": "country"}})


def test_removing_an_address_removes_its_subtree_from_omnitron_only():
    state, _ = model.start_task(KIND, fresh(duration=0), 0.0)
    state = model.settle(KIND, state, 0.0)
    state, removed = model.remove_items(state, "omnitron", ["TR/34"])
    assert removed == 3 and "TR/34" in state["oms"] and not model.is_required(KIND, state)
