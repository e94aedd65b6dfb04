"""Serve Ralph's LRS (ralph-malph, from PyPI) on a listening socket handed over by a test.

Run with the Python of Ralph's own virtual environment (.venv-ralph, made by
scripts/setup): `python ralph_lrs.py FD`. It does what `ralph runserver -b fs` does
(uvicorn serving `ralph.api:app` with the file-system backend, configured through
RALPH_* variables), with two differences a test needs: it serves the socket the test
bound (so the port is known before the server starts, and requests wait in its backlog
until it is up), without runserver's file-watching reloader; and its file-system
backend appends. In Ralph 5.1.0 that backend writes every batch to one file in
"create" mode, which refuses a file that exists: every write after the first fails
with 500 ("already exists and overwrite is not allowed").
"""

import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    import uvicorn

    uvicorn.run("ralph.api:app", fd=int(sys.argv[1]), log_level="warning")
