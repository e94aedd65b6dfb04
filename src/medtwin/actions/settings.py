"""Orders that list settings by name: 'rate 14 VT 450 mL PEEP 5 FiO2 0.5'.

A device's order names each setting once, in any order, each followed by its number and
optionally its unit. `read_settings` turns the words after the device into numbers by
field name, refusing unknown or repeated settings by name.
"""

from __future__ import annotations

import re

from medtwin.actions.grammar import NUMBER, not_understood, number

Setting = tuple[str, str]
"""(field name, unit regex or '' for none) of one setting word."""


def read_settings(text: str, words: str, grammar: dict[str, Setting]) -> dict[str, float]:
    """The settings in `words` ('rate 14 vt 450 ml'): {field: value}. `grammar` maps
    each setting's word (lower case) to its field and the units it may carry."""
    found: dict[str, float] = {}
    rest = words.strip()
    while rest:
        match = re.match(rf"(?P<word>[a-z0-9:]+)\s*(?P<value>{NUMBER})\s*", rest)
        if match is None or match["word"] not in grammar:
            known = ", ".join(grammar)
            raise not_understood(text, f"settings are words with numbers ({known})")
        field, unit = grammar[match["word"]]
        rest = rest[match.end() :]
        if unit:
            unit_match = re.match(rf"(?:{unit})(?:\s+|$)", rest)
            if unit_match:
                rest = rest[unit_match.end() :]
        if field in found:
            raise not_understood(text, f"{match['word']!r} is given twice")
        found[field] = number(match["value"])
    return found


def parse_with_settings(kind, order: re.Pattern, key: str, text: str,
                        grammar: dict[str, Setting]):  # fmt: skip
    """An action of `kind` from an order matching `order` (whose group `settings` holds
    the settings words), None if the order does not match."""
    match = order.fullmatch(key)
    if match is None:
        return None
    return kind(**read_settings(text, match["settings"], grammar))


def write_settings(pairs: list[tuple[str, float | None, str]]) -> str:
    """The settings as order words: [('rate', 14, ''), ('VT', 450, 'mL')] -> 'rate 14
    VT 450 mL' (settings that are None are left out)."""
    from medtwin.actions.formatter import format_number

    parts = []
    for word, value, unit in pairs:
        if value is not None:
            parts.append(f"{word} {format_number(value)}" + (f" {unit}" if unit else ""))
    return " ".join(parts)
