"""The physiology engine: body systems as compiled functions over batched arrays.

Importing this package points Numba's on-disk cache at a folder named after a hash of
the engine's source files. Numba checks only the timestamp of the file that holds a
compiled function, not the modules it uses (layouts, parameters), so without this a
changed layout could meet a stale compiled kernel.
"""

from __future__ import annotations

import hashlib
import os
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


if "NUMBA_CACHE_DIR" not in os.environ:
    numba.config.CACHE_DIR = str(medtwin_cache_root() / "numba" / engine_fingerprint()[:16])
