"""The one error a user can cause in the hospital twin: a model, scenario or log that is wrong."""


class ModelError(ValueError):
    """Bad input: the message names the field, the value and what is allowed."""
