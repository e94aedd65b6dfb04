"""The worked examples of docs/extending.md run as written, each in a fresh process (so
a kind registered by an example does not leak into the other tests)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

GUIDE = Path(__file__).parents[1] / "docs" / "extending.md"
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def test_the_guide_has_an_example_for_each_of_the_four_extensions():
    headings = re.findall(r"^## (.+)$", GUIDE.read_text(encoding="utf-8"), re.M)
    assert headings == ["An action kind", "A drug", "A signal", "A state variable"]
    assert len(BLOCKS) == 4


@pytest.mark.parametrize("block", BLOCKS, ids=["action-kind", "drug", "signal", "state"])
def test_the_example_runs(block, tmp_path):
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
