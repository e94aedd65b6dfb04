"""HTTP and WebSocket routes, one module per domain; each handler only translates."""
