"""Covariate formulas of the drug files: a small arithmetic language, evaluated safely.

A formula is a string such as ``"18.9 - 0.391 * (age - 53)"``. It is parsed with
`ast` and only numbers, the covariate names, the model's own constants, ``+ - * / **``,
unary minus and the functions ``min``, ``max``, ``exp`` and ``log`` are accepted; any
other construct (attribute access, calls to anything else, comparisons, names not
defined) is refused with a message that names the formula and the offending part.
Nothing is ever passed to `eval`.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping

COVARIATES: dict[str, str] = {
    "age": "age in years",
    "weight": "total body weight in kg",
    "height": "height in cm",
    "lbm": "lean body mass in kg (James 1976)",
    "male": "1 for a male patient, 0 for a female one",
    "bmi": "body mass index in kg/m²",
}
"""The patient covariates a formula may use, with their units."""

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "min": min,
    "max": max,
    "exp": math.exp,
    "log": math.log,
}
_ARITY = {"min": None, "max": None, "exp": 1, "log": 1}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic in the known names, or cannot be computed."""


def _parse(formula: str) -> ast.expr:
    try:
        return ast.parse(formula.strip(), mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"formula {formula!r} is not valid arithmetic: {error.msg}") from None


def _check(node: ast.AST, formula: str, names: set[str]) -> set[str]:
    """Names used by `node`; refuse any construct outside the whitelist."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"formula {formula!r}: {node.value!r} is not a number")
        return set()
    if isinstance(node, ast.Name):
        if node.id not in names:
            allowed = ", ".join(sorted(names))
            raise FormulaError(
                f"formula {formula!r}: unknown name {node.id!r} (allowed: {allowed})"
            )
        return {node.id}
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _check(node.left, formula, names) | _check(node.right, formula, names)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _check(node.operand, formula, names)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
    ):
        arity = _ARITY[node.func.id]
        if (arity is None and len(node.args) < 2) or (
            arity is not None and len(node.args) != arity
        ):
            raise FormulaError(f"formula {formula!r}: wrong number of arguments to {node.func.id}")
        used: set[str] = set()
        for argument in node.args:
            used |= _check(argument, formula, names)
        return used
    part = ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__
    raise FormulaError(
        f"formula {formula!r}: {part!r} is not allowed "
        "(only numbers, names, + - * / **, min, max, exp, log)"
    )


def formula_names(formula: str | float, names: set[str]) -> set[str]:
    """Check `formula` against the allowed `names` and return the names it uses."""
    if isinstance(formula, int | float) and not isinstance(formula, bool):
        return set()
    if not isinstance(formula, str):
        raise FormulaError(f"formula {formula!r} is neither a number nor a string")
    return _check(_parse(formula), formula, names)


def _evaluate(node: ast.expr, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[node.id])
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, values))
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return _FUNCTIONS[node.func.id](*(_evaluate(a, values) for a in node.args))


def evaluate(formula: str | float, values: Mapping[str, float]) -> float:
    """The value of `formula` with the names bound to `values`.

    Raises `FormulaError` for a formula outside the whitelist, an unknown name, or an
    arithmetic failure (division by zero, log of a negative number, overflow).
    """
    formula_names(formula, set(values))
    if not isinstance(formula, str):
        return float(formula)
    try:
        result = _evaluate(_parse(formula), values)
    except (ZeroDivisionError, OverflowError, ValueError) as error:
        raise FormulaError(f"formula {formula!r} cannot be computed: {error}") from None
    if isinstance(result, complex) or not math.isfinite(result):
        raise FormulaError(f"formula {formula!r} gives {result!r}, not a finite number")
    return float(result)
