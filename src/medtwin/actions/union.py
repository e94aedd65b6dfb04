"""`Action`: every kind of action in one discriminated union, keyed by `kind`.

A new family of actions (airway, ventilation, cardiac arrest, ...) is one module of
models deriving from `ActionBase`, added to `ACTION_TYPES` here and given a grammar in
`parser`; the log, timed orders and serialisation then take it as they are.
"""

from collections.abc import Mapping
from typing import Annotated, Any, get_args

from pydantic import Field, TypeAdapter

from medtwin.actions.base import ActionBase
from medtwin.actions.drugs import DrugBolus, DrugInfusion, StopDrugInfusion
from medtwin.actions.errors import ActionError
from medtwin.actions.fluids import FluidInfusion, StopFluid
from medtwin.actions.haemorrhage import Haemorrhage, StopHaemorrhage

Action = Annotated[
    DrugBolus | DrugInfusion | StopDrugInfusion | FluidInfusion | StopFluid | Haemorrhage
    | StopHaemorrhage,
    Field(discriminator="kind"),
]  # fmt: skip
"""Any action; pydantic picks the model from the `kind` field."""

ACTION_TYPES: dict[str, type[ActionBase]] = {
    model.model_fields["kind"].default: model for model in get_args(get_args(Action)[0])
}
"""The model of each `kind`."""

ACTION_ADAPTER: TypeAdapter = TypeAdapter(Action)
"""Validates, dumps and gives the JSON schema of `Action` values."""


def action_from_dict(data: Mapping[str, Any]) -> Action:
    """The action described by `data` (as `action.model_dump()` gives it).

    Raises `ActionError` naming the field, the value and what is allowed.
    """
    if not isinstance(data, Mapping):
        raise ActionError(f"action = {data!r} is not a mapping with a 'kind' field")
    kind = data.get("kind")
    if kind not in ACTION_TYPES:
        raise ActionError(f"kind = {kind!r} is not one of: {', '.join(ACTION_TYPES)}")
    return ACTION_TYPES[kind](**data)
