"""`ActionError`, and the translation of pydantic's errors into one plain line each.

Every refusal names the field, the value given and what is allowed, in the house style
of `medtwin.patients`: a user editing an actions file never sees a pydantic traceback.
"""

from typing import Any

from pydantic import BaseModel, ValidationError


class ActionError(ValueError):
    """A refused action, order, timed order, actions file or event.

    `problems` holds one human-readable line per problem; the message joins them, then
    adds `hint` (e.g. the accepted forms of an order) if given. Nothing of a refused
    action is applied.
    """

    def __init__(self, *problems: str, hint: str | None = None) -> None:
        super().__init__("\n".join((*problems, hint) if hint else problems))
        self.problems: tuple[str, ...] = problems
        self.hint = hint


def _describe(error: Any, model: type[BaseModel]) -> list[str]:
    """The lines for one pydantic error: field, value given, what is allowed."""
    field = ".".join(str(part) for part in error["loc"])
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, ActionError):  # a nested action, refused in its own words
        return [f"{field}: {problem}" for problem in cause.problems]
    return [_line(error, field, model)]


def _line(error: Any, field: str, model: type[BaseModel]) -> str:
    value = error.get("input")
    kind = error["type"]
    if not field:  # a whole-model rule: its message names the fields itself
        return str(error["ctx"]["error"]) if kind == "value_error" else error["msg"]
    if kind == "missing":
        return f"{field} is missing ({model.__name__} needs: {', '.join(model.model_fields)})"
    if kind == "extra_forbidden":
        known = ", ".join(model.model_fields)
        return f"unknown field {field} = {value!r} (allowed fields: {known})"
    if kind == "literal_error":
        return f"{field} = {value!r} is not one of: {error['ctx']['expected']}"
    if kind == "finite_number":
        return f"{field} = {value!r} is not a finite number"
    if kind.startswith(("float_", "int_")):
        return f"{field} = {value!r} is not a number"
    if kind == "string_too_short":
        return f"{field} = {value!r} must not be empty"
    if kind.startswith("string_"):
        return f"{field} = {value!r} is not text"
    if kind == "value_error":
        return f"{field} = {value!r} {error['ctx']['error']}"
    return f"{field} = {value!r}: {error['msg']}"


def action_error(error: ValidationError, model: type[BaseModel]) -> ActionError:
    """The `ActionError` for a pydantic `ValidationError` raised while building `model`."""
    return ActionError(*(line for e in error.errors() for line in _describe(e, model)))
