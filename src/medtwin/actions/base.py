"""What every action shares: frozen, strict pydantic, readable orders, and an effect.

An action kind is one class deriving from `ActionBase`, in its own module under
`medtwin.actions.kinds`, that declares everything about itself:
- its fields, with their units and limits as pydantic `Field` constraints on the field
  itself (`dose: float = Field(gt=0, json_schema_extra={"unit": ...})`);
- its order grammar: `forms` (how its orders read) and `examples`, and a `parse`
  classmethod that reads an order or says it is not one of its own;
- its readable `order()`, which `parse` reads back into an equal action;
- what it does to a twin: `apply(context)` writes the engine's run-time inputs and
  returns the follow-up actions it schedules (the end of a bag of fluid);
- `lines()`: the treatment lines it sets, so that a new order on a line cancels what an
  earlier one had scheduled there.

`@register` adds the kind to the registry (`medtwin.actions.registry`) from which the
parser, the event log, the service and the docs learn the kinds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from medtwin.actions.errors import ActionError, action_error

if TYPE_CHECKING:
    from medtwin.actions.context import ActionContext, FollowUp
    from medtwin.patients import Patient


class ActionBase(BaseModel):
    """Base of every action kind: immutable, no unknown fields, finite numbers only.

    Building one with invalid fields raises `ActionError` with one line per problem,
    naming the field, the value and what is allowed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    insult: ClassVar[bool] = False
    """True for what happens to the patient (haemorrhage, later pneumothorax, ...),
    false for care given to them (DESIGN.md: interventions and insults). A live session
    lets only its instructor inject insults."""
    forms: ClassVar[tuple[str, ...]] = ()
    """How this kind's orders read, e.g. '<drug> <dose> <unit> [IV] bolus'."""
    examples: ClassVar[tuple[str, ...]] = ()
    """Orders of this kind, each parsed and applied by the common checks."""
    refusals: ClassVar[tuple[str, ...]] = ()
    """Orders of this kind's forms that a resting twin refuses (a value out of range, a
    dose over the limit, a stop of what does not run); the common checks make sure each
    is refused and changes nothing."""
    parse_priority: ClassVar[int] = 50
    """Kinds are asked to read an order in this order (lower first): the specific
    before the catch-all."""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise action_error(error, type(self)) from None

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        """The action the order `text` gives (`key`: its normalised, lower-case form),
        None if the order is not of this kind; `ActionError` if it is, but refused."""
        raise NotImplementedError

    def order(self) -> str:
        """The action as a readable order, e.g. 'propofol 2 mg/kg IV bolus'."""
        raise NotImplementedError

    def _require_one_form(self, forms: tuple[frozenset[str], ...], advice: str) -> None:
        """Refuse (from a model validator) unless the optional fields given are exactly
        one of `forms`; the message gives `advice` and what was given."""
        names = sorted(set().union(*forms))
        given = {name: getattr(self, name) for name in names if getattr(self, name) is not None}
        if frozenset(given) not in forms:
            shown = ", ".join(f"{name} = {value!r}" for name, value in given.items()) or "none"
            raise ValueError(f"{advice} (given: {shown})")

    def check(self, patient: Patient) -> None:
        """Refuse, with `ActionError`, what this patient cannot be given (a dose over the
        library's limit for their weight). Nothing is changed."""

    def apply(self, context: ActionContext) -> list[FollowUp]:
        """Write the action into the engine inputs of `context`'s patient; return the
        actions it schedules. Checks everything before writing anything."""
        raise NotImplementedError

    def lines(self) -> frozenset[str]:
        """The treatment lines this action sets ('fluid:normal saline'); follow-ups
        scheduled earlier on them are cancelled when it is applied."""
        return frozenset()

    def __str__(self) -> str:
        return self.order()


def refuse(*problems: str) -> ActionError:
    """An `ActionError` to raise from `apply` or `check`."""
    return ActionError(*problems)
