"""Common checks that every registered action kind must pass (as scikit-learn checks
every estimator): a kind added tomorrow is checked by these tests without a new line.

For each kind and each of its `examples`: the order text parses to the kind and reads
back; the action survives `model_dump` and JSON; every numeric field refuses values
outside its declared limits with the field, the value and the range; applied to a twin,
it appears in the event log, survives snapshot/restore and fork with identical
continuation; and a refused action changes nothing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from medtwin import Twin
from medtwin.actions import KINDS, ActionError, action_from_dict, field_limits, parse_order

EXAMPLES = [(kind, example) for kind, model in KINDS.items() for example in model.examples]
SETUP = {
    # what must run before an example can be given (a stop needs something to stop)
    "stop_drug_infusion": "norepinephrine 0.1 mcg/kg/min IV infusion",
    "stop_fluid": "normal saline 125 mL/h",
    "stop_haemorrhage": "haemorrhage 100 mL/min",
    "disconnect_ventilator": ("intubate", "ventilator VC rate 14 VT 450 mL PEEP 5"),
    "reconnect_ventilator": (
        "intubate",
        "ventilator VC rate 14 VT 450 mL PEEP 5",
        "disconnect ventilator",
    ),
}


@pytest.fixture(scope="module")
def resting() -> Twin:
    twin = Twin("standard-male", waveform_seconds=0.0)
    twin.advance(1.0)
    return twin


def test_every_kind_declares_forms_examples_and_a_docstring():
    assert {"drug_bolus", "drug_infusion", "fluid", "haemorrhage"} <= set(KINDS)
    for kind, model in KINDS.items():
        assert model.forms and model.examples, kind
        assert model.__doc__ and model.__doc__.strip(), kind


@pytest.mark.parametrize(("kind", "example"), EXAMPLES)
def test_the_order_text_round_trips(kind, example):
    action = parse_order(example)
    assert action.kind == kind
    assert parse_order(action.order()) == action
    assert action_from_dict(action.model_dump()) == action
    assert action_from_dict(action.model_dump(mode="json")) == action


def _out_of_range_values(bounds: dict) -> list[float]:
    values = [math.nan, math.inf]
    if "gt" in bounds:
        values += [bounds["gt"], bounds["gt"] - 1.0]
    if "ge" in bounds:
        values.append(bounds["ge"] - 1.0)
    if "le" in bounds:
        values.append(bounds["le"] * 1.5 + 1.0)
    if "lt" in bounds:
        values.append(bounds["lt"])
    return values


LIMITED_FIELDS = [
    (kind, example, field, bounds)
    for kind, example in EXAMPLES
    for field, bounds in field_limits(KINDS[kind]).items()
    if getattr(parse_order(example), field) is not None
]


@pytest.mark.parametrize(("kind", "example", "field", "bounds"), LIMITED_FIELDS)
def test_numeric_fields_refuse_values_outside_their_limits(kind, example, field, bounds):
    data = parse_order(example).model_dump()
    for value in _out_of_range_values(bounds):
        with pytest.raises(ActionError) as caught:
            action_from_dict({**data, field: value})
        message = str(caught.value)
        assert f"{field} = " in message, message
        if math.isfinite(value):
            assert "is not allowed: must be" in message
            assert bounds["unit"] in message


def _prepared(resting: Twin, kind: str) -> Twin:
    twin = resting.fork()
    if kind in SETUP:
        setup = SETUP[kind]
        for order in (setup,) if isinstance(setup, str) else setup:
            twin.apply(order)
        twin.advance(5.0)
    return twin


@pytest.mark.parametrize(("kind", "example"), EXAMPLES)
def test_applied_it_is_logged_and_survives_snapshot_and_fork(resting, kind, example):
    twin = _prepared(resting, kind)
    event = twin.apply(example, source="checker", note="common check")
    assert twin.events[-1] == event
    assert (event.order(), event.source, event.note) == (parse_order(example).order(),
                                                         "checker", "common check")  # fmt: skip
    saved = twin.snapshot()
    forked = twin.fork()
    twin.advance(30.0)
    forked.advance(30.0)
    twin_history = twin.history()
    assert twin_history.equals(forked.history())  # exact, NaN where NaN
    twin.restore(saved)
    twin.advance(30.0)
    assert twin_history.equals(twin.history())
    assert list(twin.events) == list(forked.events)


REFUSALS = [(kind, order) for kind, model in KINDS.items() for order in model.refusals]


@pytest.mark.parametrize(("kind", "order"), REFUSALS)
def test_a_refused_action_changes_nothing(resting, kind, order):
    """Each kind's own refusals are refused whole: a twin is left exactly as it was."""
    twin = resting.fork()
    before = twin.snapshot()
    with pytest.raises(ActionError) as caught:
        twin.apply(order)
    assert " = " in str(caught.value) or "not understood" in str(caught.value)
    after = twin.snapshot()
    assert np.array_equal(before.params, after.params)
    assert np.array_equal(before.state, after.state)
    assert before.treatments == after.treatments
    assert len(twin.events) == len(before.events) and len(twin.scheduler) == 0
