"""Where a key of a YAML file is: its line, found by walking the composed node tree.

Validation errors arrive as paths (`('phases', 2, 'transitions', 0, 'to')`); an educator
needs the line. `YamlPositions` answers the line of the deepest node of a path that the
file holds (a missing key points at the mapping that lacks it), and finds the keys a
mapping gives twice, which `yaml.safe_load` would silently take the last of.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

PathPart = str | int


def path_text(path: Iterable[PathPart]) -> str:
    """A path as an educator reads it: `phases[2].transitions[0].to`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class YamlPositions:
    """The node tree of one YAML text, for finding lines by path."""

    def __init__(self, text: str) -> None:
        self.root = yaml.compose(text, Loader=yaml.SafeLoader)

    def line(self, path: Iterable[PathPart]) -> int | None:
        """1-based line of the deepest node along `path` (parts the file does not hold,
        such as pydantic's names of union members, are skipped)."""
        node = self.root
        if node is None:
            return None
        for part in path:
            child = _child(node, part)
            if child is not None:
                node = child
        return node.start_mark.line + 1

    def duplicate_keys(self) -> list[tuple[str, int]]:
        """(path, line) of every key given twice in the same mapping."""
        found: list[tuple[str, int]] = []
        _walk_duplicates(self.root, [], found)
        return found


def _child(node: yaml.Node, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def _walk_duplicates(node: yaml.Node | None, path: list[PathPart], found: list) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            if name in seen:
                found.append((path_text([*path, name]), key.start_mark.line + 1))
            seen.add(name)
            _walk_duplicates(value, [*path, name], found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_duplicates(item, [*path, index], found)
