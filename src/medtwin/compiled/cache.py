"""Where compiled kernels and settled steady states are cached, one folder per engine
version.

Numba checks only the timestamp of the file that holds a compiled function, not the
modules it uses (layouts, parameters), so without a versioned folder a changed layout
could meet a stale kernel. The version is a hash of the engine's sources: the body
systems (`medtwin/physiology/*.py`) and the compile options (`medtwin/compiled/*.py`).
Old versions' folders are removed only by `prune_stale` (run by `scripts/setup`),
never as a side effect of importing medtwin.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from functools import cache
from pathlib import Path

import platformdirs

_ENGINE_FOLDERS = (Path(__file__).parents[1] / "physiology", Path(__file__).parent)
STALE_CACHE_S = 7 * 86400.0
"""Other engine versions' cache folders untouched this long are removed by
`prune_stale`."""
KINDS = ("numba", "steady-state")


@cache
def engine_fingerprint() -> str:
    """A hash of the engine's source files: any model or compile change gives a new one."""
    digest = hashlib.sha256()
    for folder in _ENGINE_FOLDERS:
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{folder.name}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def medtwin_cache_root() -> Path:
    """medtwin's cache folder: `$MEDTWIN_CACHE_DIR`, else the user's cache directory."""
    override = os.environ.get("MEDTWIN_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("medtwin"))


def versioned_cache_dir(kind: str) -> Path:
    """`<cache root>/<kind>/<engine fingerprint>`: every engine change starts anew."""
    return medtwin_cache_root() / kind / engine_fingerprint()[:16]


def prune_stale(now_s: float | None = None) -> list[Path]:
    """Remove other engine versions' folders not modified for `STALE_CACHE_S`; returns
    them. Two versions in use at once (two checkouts) keep theirs."""
    now_s = time.time() if now_s is None else now_s
    removed = []
    for kind in KINDS:
        parent = medtwin_cache_root() / kind
        current = versioned_cache_dir(kind).name
        if not parent.is_dir():
            continue
        for old in parent.iterdir():
            if old.name != current and old.is_dir() and now_s - old.stat().st_mtime > STALE_CACHE_S:
                shutil.rmtree(old, ignore_errors=True)
                removed.append(old)
    return removed
