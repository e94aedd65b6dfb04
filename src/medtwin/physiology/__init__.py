"""The physiology engine: body systems as compiled functions over batched arrays.

Importing this package points Numba's on-disk cache at a folder named after a hash of
the engine's source files (and removes the folders of earlier versions). Numba checks
only the timestamp of the file that holds a compiled function, not the modules it uses
(layouts, parameters), so without this a changed layout could meet a stale kernel.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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


def versioned_cache_dir(kind: str) -> Path:
    """`<cache root>/<kind>/<engine fingerprint>`, removing other engine versions' folders.

    Every change to the engine's sources starts a new folder, so without pruning the
    cache would grow by one compiled engine and one set of settled states per change.
    """
    current = engine_fingerprint()[:16]
    parent = medtwin_cache_root() / kind
    if parent.is_dir():
        for old in parent.iterdir():
            if old.name != current and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return parent / current


if "NUMBA_CACHE_DIR" not in os.environ:
    numba.config.CACHE_DIR = str(versioned_cache_dir("numba"))
