"""The physiology engine: body systems as compiled functions over batched arrays.

Importing this package points Numba's on-disk cache at a folder named after a hash of
the engine's source files (and prunes stale folders of other versions). Numba checks
only the timestamp of the file that holds a compiled function, not the modules it uses
(layouts, parameters), so without this a changed layout could meet a stale kernel.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from functools import cache
from pathlib import Path

import numba
import platformdirs

_SOURCES = Path(__file__).parent


@cache
def engine_fingerprint() -> str:
    """A hash of the physiology source files: any model change gives a new one."""
    digest = hashlib.sha256()
    for path in sorted(_SOURCES.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def medtwin_cache_root() -> Path:
    """medtwin's cache folder: `$MEDTWIN_CACHE_DIR`, else the user's cache directory."""
    override = os.environ.get("MEDTWIN_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("medtwin"))


STALE_CACHE_S = 7 * 86400.0
"""Other engine versions' cache folders untouched this long are removed."""


def versioned_cache_dir(kind: str) -> Path:
    """`<cache root>/<kind>/<engine fingerprint>`, pruning stale engine versions.

    Every change to the engine's sources starts a new folder. Folders of other versions
    not modified for a week are removed, so the cache does not grow without bound while
    two versions in use at once (two checkouts) keep theirs.
    """
    current = engine_fingerprint()[:16]
    parent = medtwin_cache_root() / kind
    if parent.is_dir():
        now = time.time()
        for old in parent.iterdir():
            if old.name != current and old.is_dir() and now - old.stat().st_mtime > STALE_CACHE_S:
                shutil.rmtree(old, ignore_errors=True)
    return parent / current


if "NUMBA_CACHE_DIR" not in os.environ:
    numba.config.CACHE_DIR = str(versioned_cache_dir("numba"))
