"""Read a readable order back into an action: `parse_order("propofol 2 mg/kg IV bolus")`.

Each registered kind reads its own orders (`ActionBase.parse`); the parser asks them in
order of `parse_priority`, specific forms before the catch-all drug dose. Names of drugs
and fluids (and their aliases) are matched without regard to case; spacing is free;
numbers may be written 0.1, 1e3 or 1,000; 'IV' is optional; 'ug' and 'µg' mean 'mcg'.
Text that is read but refused (a negative dose, an unknown drug, a unit that does not
fit) raises the kind's `ActionError`; text that no kind reads raises one that says what
was expected and lists the accepted forms.
"""

from medtwin.actions.base import ActionBase
from medtwin.actions.fluid_table import name_key
from medtwin.actions.grammar import not_understood
from medtwin.actions.registry import kinds_by_parse_priority
from medtwin.actions.stop_orders import STOP_ORDER, unknown_stop


def parse_order(text: str) -> ActionBase:
    """The action that the readable order `text` describes.

    >>> parse_order("Norepinephrine 0.1 mcg/kg/min infusion").order()
    'norepinephrine 0.1 mcg/kg/min IV infusion'
    """
    if not isinstance(text, str) or not text.strip():
        raise not_understood(str(text), "an order is a non-empty line of text")
    key = name_key(text).rstrip(".")
    is_stop = key.startswith("stop ")
    for kind in kinds_by_parse_priority():
        if not any(form.startswith("stop ") == is_stop for form in kind.forms):
            continue  # 'stop ...' orders are read by the kinds with a form that reads so
        action = kind.parse(key, text)
        if action is not None:
            return action
    if is_stop and STOP_ORDER.fullmatch(key):
        raise unknown_stop(key)
    raise not_understood(text, "expected a drug, fluid or haemorrhage order")
