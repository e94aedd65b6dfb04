"""The JSON Schema of the case format, generated from its models and shipped beside them.

`case.schema.json` lets an editor (VS Code's YAML extension, any JSON Schema validator)
check a case while it is written; it says what each key may hold, not what needs the
engine (those checks are `medtwin case validate`'s). The shipped file is regenerated
with `python -m medtwin.training.schema` and a test keeps it equal to the models.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from medtwin.training.model import Case

SCHEMA_FILE = "case.schema.json"


def case_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case file."""
    schema = Case.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    return json.dumps(case_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema_text() -> str:
    return (resources.files("medtwin.training") / SCHEMA_FILE).read_text(encoding="utf-8")


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).with_name(SCHEMA_FILE)
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
