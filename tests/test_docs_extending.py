"""The worked examples of docs/extending.md run as written.

Plain `python` blocks run in a fresh process against the package. A section that adds
to the engine gives its edits as a `yaml edit` block; the test makes them in a copy of
the package and runs the section's `python after-edit` block against that copy (with
its own compile cache), so the guide's recipe is proven, not only described.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
GUIDE_TEXT = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
SECTIONS = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", GUIDE_TEXT, re.M | re.S))


def _blocks(section: str, tag: str) -> list[str]:
    return re.findall(rf"```{tag}\n(.*?)```", SECTIONS[section], re.S)


def _run(script: str, tmp_path: Path, **env: str) -> None:
    path = tmp_path / "example.py"
    path.write_text(script, encoding="utf-8")
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            timeout=600, check=False, env={**os.environ, **env})  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def _edited_copy(edits: list[dict], tmp_path: Path) -> Path:
    """A copy of src/ with the edits made; each anchor must be found exactly once."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "medtwin", copy / "medtwin",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for edit in edits:
        target = copy / Path(edit["file"]).relative_to("src")
        text = target.read_text(encoding="utf-8")
        if "append" in edit:
            text += edit["append"]
        else:
            assert text.count(edit["after"] + "\n") == 1, f"{edit['file']}: {edit['after']!r}"
            text = text.replace(edit["after"] + "\n", edit["after"] + "\n" + edit["insert"] + "\n")
        target.write_text(text, encoding="utf-8")
    return copy


def test_the_guide_covers_the_four_extensions():
    assert list(SECTIONS) == ["An action kind", "A drug", "A signal", "A state variable"]


@pytest.mark.parametrize("section", ["An action kind", "A drug", "A state variable"])
def test_the_plain_examples_run(section, tmp_path):
    for block in _blocks(section, "python"):
        _run(block, tmp_path)


@pytest.mark.parametrize("section", ["A signal", "A state variable"])
def test_the_edits_make_what_the_section_promises(section, tmp_path):
    (edits,) = _blocks(section, "yaml edit")
    (check,) = _blocks(section, "python after-edit")
    copy = _edited_copy(yaml.safe_load(edits), tmp_path)
    _run(check, tmp_path, PYTHONPATH=str(copy), MEDTWIN_CACHE_DIR=str(tmp_path / "cache"))
