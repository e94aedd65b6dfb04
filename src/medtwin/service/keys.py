"""The key that signs bearer tokens: from the environment or a key file, never the
database (a copy of the database must not let anyone mint tokens).

In order: `$MEDTWIN_SECRET_KEY` (64 hex characters or more); the key file given to the
service or named by `$MEDTWIN_KEY_FILE`; else `token.key` in the user's configuration
folder. A missing key file is created with a random 256-bit key, readable by its owner
only (mode 0600); an existing one that others may read or write is refused.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import platformdirs

KEY_BYTES = 32
ENV_KEY = "MEDTWIN_SECRET_KEY"
ENV_KEY_FILE = "MEDTWIN_KEY_FILE"


class SigningKeyError(ValueError):
    """A signing key that cannot be used, with the reason and the fix."""


def default_key_file() -> Path:
    return Path(platformdirs.user_config_dir("medtwin")) / "token.key"


def signing_key(key_file: Path | None = None) -> bytes:
    """The token-signing key (see the module docstring for where it comes from)."""
    if os.environ.get(ENV_KEY):
        return _from_hex(os.environ[ENV_KEY], f"${ENV_KEY}")
    path = key_file or Path(os.environ.get(ENV_KEY_FILE) or default_key_file())
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SigningKeyError(
            f"key file {path}: mode {mode:04o} lets others read it; run chmod 600 {path}"
        )
    return _from_hex(path.read_text(encoding="ascii").strip(), f"key file {path}")


def _from_hex(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise SigningKeyError(f"{where}: not hexadecimal") from None
    if len(key) < KEY_BYTES:
        raise SigningKeyError(f"{where}: {len(key)} bytes; a key needs at least {KEY_BYTES}")
    return key
