"""Request-size limits on every route, per-user quotas, and a stream's message rate
(issue 11), on the default SQLite store (PostgreSQL: test_service_postgres.py)."""

from __future__ import annotations

import json

import pytest
from test_service_support import account, join, new_session, open_stream, running_client

from medtwin.service.body_limits import DEFAULT_LIMIT_BYTES, body_limit_bytes
from medtwin.service.clock import ManualClock
from medtwin.service.quotas import Quotas


@pytest.fixture
def client(tmp_path):
    quotas = Quotas(
        sessions_per_user=2, participants_per_session=2, streams_per_user=2, stream_message_burst=3
    )
    with running_client(tmp_path, ManualClock(), quotas) as test_client:
        yield test_client


def test_a_body_over_the_limit_is_413_naming_the_limit(client):
    headers = {**account(client, "ines"), "Content-Type": "application/json"}
    session = new_session(client, headers)
    url = f"/api/sessions/{session['id']}/notes"
    response = client.post(url, content=b'{"text": "' + b"x" * 40_000 + b'"}', headers=headers)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"body: 40012 bytes is over the limit of 32768 bytes for POST {url}"
    )

    def chunks():  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * 1000

    response = client.post(url, content=chunks(), headers=headers)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"body: more than 32768 bytes is over the limit of 32768 bytes for POST {url}"
    )
    assert client.post(url, json={"text": "fits"}, headers=headers).status_code == 201


def test_every_route_has_a_limit_and_a_new_session_may_be_larger():
    assert body_limit_bytes("POST", "/api/users") == DEFAULT_LIMIT_BYTES == 32 * 1024
    assert body_limit_bytes("POST", "/api/sessions/") == 256 * 1024
    assert body_limit_bytes("GET", "/anything/else") == DEFAULT_LIMIT_BYTES


def test_sessions_per_user_and_participants_per_session_are_limited(client):
    instructor, tom, olga = (account(client, name) for name in ("ines", "tom", "olga"))
    first, _ = new_session(client, instructor), new_session(client, instructor)
    third = client.post("/api/sessions", json={"title": "3"}, headers=instructor)
    assert third.status_code == 409
    assert third.json()["detail"] == (
        "quota sessions_per_user: 'ines' already runs 2 live sessions (the limit is 2); "
        "end one first"
    )
    join(client, tom, first["code"], "trainee")
    full = client.post("/api/sessions/join", json={"code": first["code"], "role": "observer"},
                       headers=olga)  # fmt: skip
    assert full.status_code == 409
    assert full.json()["detail"] == (
        f"quota participants_per_session: session {first['id']} has 2 participants (the limit is 2)"
    )
    assert join(client, tom, first["code"], "trainee")["role"] == "trainee"  # already in
    client.post(f"/api/sessions/{first['id']}/end", headers=instructor)
    assert client.post("/api/sessions", json={"title": "3"}, headers=instructor).is_success


def test_a_stream_that_floods_is_closed_and_the_session_runs_on(client):
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    token = instructor["Authorization"].removeprefix("Bearer ")
    with open_stream(client, session["id"], token) as ws:
        assert json.loads(ws.receive_text())["type"] == "snapshot"
        for _ in range(4):  # a burst of 3 is allowed; the manual clock gives no more
            ws.send_text(json.dumps({"type": "order", "order": "unicorn tears"}))
        replies = [json.loads(ws.receive_text()) for _ in range(4)]
        assert [r["type"] for r in replies] == ["error"] * 4
        assert replies[-1]["detail"] == (
            "message: more than 3 messages at once or 10 per second; the stream is closed"
        )
        closing = ws.receive()
        assert closing["type"] == "websocket.close" and closing["code"] == 1008
    assert client.get(f"/api/sessions/{session['id']}", headers=instructor).json()["status"] == (
        "running"
    )


def test_a_user_may_have_only_so_many_streams_open(client):
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    token = instructor["Authorization"].removeprefix("Bearer ")
    with (
        open_stream(client, session["id"], token) as first,
        open_stream(client, session["id"], token) as second,
    ):
        for ws in (first, second):
            assert json.loads(ws.receive_text())["type"] == "snapshot"
        with open_stream(client, session["id"], token) as third:
            refusal = json.loads(third.receive_text())
            assert refusal["detail"] == (
                "quota streams_per_user: 'ines' has 2 streams open (the limit is 2); "
                "close one first"
            )
            assert third.receive()["code"] == 4409
    with open_stream(client, session["id"], token) as again:  # the others were closed
        assert json.loads(again.receive_text())["type"] == "snapshot"
