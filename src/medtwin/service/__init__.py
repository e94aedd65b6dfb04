"""The live-session service: FastAPI over HTTP and WebSocket, with an embedded store.

`medtwin.service.app.create_app(database_url, demo)` builds the app; `medtwin serve`
runs it. The contract with the browser app is docs/service-api.md. Modules, one job
each: `db` (tables), `auth` (passwords and tokens), `store` (reading and writing rows),
`codec` (bytes on the wire and on disk), `outbox` (a client's bounded queue), `runtime`
(live sessions, their clocks and checkpoints), `sessions` (what users may do to
sessions), `views/` (HTTP and WebSocket routes), `errors` (one-line error bodies),
`limits` (guessing and message rates), `body_limits` (request sizes), `quotas` (per-user
quotas).
"""

DEFAULT_DATABASE_URL = "sqlite:///medtwin.db"
"""An embedded SQLite file in the working directory; PostgreSQL by URL."""
