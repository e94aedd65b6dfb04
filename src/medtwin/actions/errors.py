"""`ActionError`, and the translation of pydantic's errors into one plain line each.

Every refusal names the field, the value given and what is allowed, in the house style
of `medtwin.patients`: a user editing an actions file never sees a pydantic traceback.
"""

from typing import Any

from pydantic import BaseModel, ValidationError

from medtwin.problems import problem_line


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
    return [problem_line(error, model.model_fields)]


def action_error(error: ValidationError, model: type[BaseModel]) -> ActionError:
    """The `ActionError` for a pydantic `ValidationError` raised while building `model`."""
    return ActionError(*(line for e in error.errors() for line in _describe(e, model)))
