"""Package names imported on first use, so that importing one part of medtwin (the
command line, the engine's compile helper) does not load every other part."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], home: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package` whose public names live in the modules
    `home` gives (name -> module); each is imported, and kept, on first use."""

    def get_attribute(name: str) -> Any:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home[name]), name)
        namespace[name] = value
        return value

    def list_names() -> list[str]:
        return sorted({*namespace, *home})

    return get_attribute, list_names
