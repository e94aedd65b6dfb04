"""Accounts, tokens, roles and error bodies of the live-session service."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient
from test_service_support import account, join, new_session, open_stream, running_client, token_of

from medtwin.service import auth
from medtwin.service.errors import UnauthorizedError


@pytest.fixture
def client(tmp_path):
    with running_client(tmp_path) as test_client:
        yield test_client


def test_register_and_login(client):
    created = client.post("/api/users", json={"username": "ines.k", "password": "long enough"})
    assert created.status_code == 201 and created.json() == {"username": "ines.k"}
    taken = client.post("/api/users", json={"username": "ines.k", "password": "other pass"})
    assert taken.status_code == 409 and "ines.k" in taken.json()["detail"]
    login = client.post("/api/login", json={"username": "ines.k", "password": "long enough"})
    assert login.status_code == 200 and login.json()["username"] == "ines.k"
    wrong = client.post("/api/login", json={"username": "ines.k", "password": "wrong password"})
    assert wrong.status_code == 401
    nobody = client.post("/api/login", json={"username": "nobody", "password": "whatever1"})
    assert nobody.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ab", "password": "long enough"}, "username"),
        ({"username": "has space", "password": "long enough"}, "username"),
        ({"username": "x" * 33, "password": "long enough"}, "username"),
        ({"username": "ines", "password": "short"}, "password"),
        ({"username": "ines", "password": "p" * 129}, "password"),
        ({"username": "ines"}, "password"),
    ],
)
def test_invalid_accounts_are_refused_naming_the_field(client, body, field):
    response = client.post("/api/users", json=body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(field)


def test_passwords_are_salted_scrypt_hashes():
    first, second = auth.hash_password("correct horse"), auth.hash_password("correct horse")
    assert first != second and first.startswith("scrypt$")
    assert auth.verify_password("correct horse", first)
    assert not auth.verify_password("correct horsf", first)
    assert not auth.verify_password("correct horse", "garbage")


def test_tokens_expire_and_cannot_be_tampered_with():
    secret = b"s" * 32
    token = auth.make_token("ines", secret)
    assert auth.read_token(token, secret).username == "ines"
    with pytest.raises(UnauthorizedError, match="expired"):
        auth.read_token(token, secret, now=time.time() + auth.ACCESS_LIFETIME_S + 5)
    with pytest.raises(UnauthorizedError, match="signature"):
        auth.read_token(token, b"t" * 32)
    payload, signature = token.split(".")
    forged = auth._b64(auth._unb64(payload).replace(b"ines", b"root")) + "." + signature
    with pytest.raises(UnauthorizedError, match="signature"):
        auth.read_token(forged, secret)
    with pytest.raises(UnauthorizedError, match="malformed"):
        auth.read_token("not-a-token", secret)


def test_requests_without_a_valid_token_are_401(client):
    assert client.get("/api/sessions").status_code == 401
    bad = {"Authorization": "Bearer abc.def"}
    response = client.get("/api/sessions", headers=bad)
    assert response.status_code == 401 and set(response.json()) == {"detail"}
    expired = auth.make_token("ines", client.app.state.secret, lifetime_s=-1)
    account(client, "ines")
    response = client.get("/api/sessions", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_each_role_is_refused_what_it_may_not_do(client):
    instructor, trainee, observer, outsider = (
        account(client, name) for name in ("ines", "tom", "olga", "eve")
    )
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    join(client, observer, session["code"], "observer")
    url = f"/api/sessions/{session['id']}"
    order = {"order": "haemorrhage 100 mL/min"}
    refusals = [
        (trainee, "post", f"{url}/clock", {"action": "pause"}),
        (trainee, "post", f"{url}/clock", {"speed": 5}),
        (trainee, "post", f"{url}/end", None),
        (trainee, "post", f"{url}/notes", {"text": "hi"}),
        (observer, "post", f"{url}/orders", order),
        (observer, "post", f"{url}/clock", {"action": "pause"}),
        (observer, "post", f"{url}/end", None),
        (observer, "post", f"{url}/notes", {"text": "hi"}),
        (outsider, "get", url, None),
        (outsider, "get", f"{url}/events", None),
        (outsider, "get", f"{url}/history", None),
        (outsider, "post", f"{url}/orders", order),
        (outsider, "post", f"{url}/clock", {"action": "pause"}),
        (outsider, "post", f"{url}/end", None),
    ]
    for headers, method, path, body in refusals:
        response = getattr(client, method)(
            path, headers=headers, **({"json": body} if body else {})
        )
        assert response.status_code == 403, (method, path, body)
        assert set(response.json()) == {"detail"}
    assert client.get(f"{url}/events", headers=instructor).json() == []
    assert client.get(url, headers=instructor).json()["status"] == "running"
    assert client.get("/api/sessions/999", headers=outsider).status_code == 404


def test_an_outsider_cannot_stream_a_session(client):
    instructor, outsider = account(client, "ines"), account(client, "eve")
    session = new_session(client, instructor)
    for token in (token_of(outsider), "forged.token", ""):
        with open_stream(client, session["id"], token) as ws:
            message = json.loads(ws.receive_text())
            assert message["type"] == "error"
            assert ws.receive()["type"] == "websocket.close"


def test_a_stream_without_a_first_auth_message_is_refused(client):
    """The token travels in the first message, never in the URL (issue 11: tokens were
    written to the server log)."""
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    url = f"/ws/sessions/{session['id']}?token={token_of(instructor)}"
    with client.websocket_connect(url) as ws:
        ws.send_text(json.dumps({"type": "order", "order": "haemorrhage 100 mL/min"}))
        message = json.loads(ws.receive_text())
        assert message["type"] == "error" and message["detail"].startswith("first message")
        closing = ws.receive()
        assert closing["type"] == "websocket.close" and closing["code"] == 4401


def test_errors_are_one_line_json_without_a_stack_trace(client):
    headers = account(client, "ines")
    response = client.post("/api/sessions", content=b"{not json", headers={
        **headers, "Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 422 and set(response.json()) == {"detail"}
    response = client.get("/api/sessions/not-a-number", headers=headers)
    assert response.status_code == 422 and "session_id" in response.json()["detail"]
    assert client.get("/api/nowhere").json() == {"detail": "Not Found"}


def test_an_unexpected_failure_is_a_generic_500(client, monkeypatch):
    from medtwin.service import sessions

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(sessions, "list_for", broken)
    headers = account(client, "ines")
    # The server logs the error; the client sees only a generic 500.
    quiet = TestClient(client.app, raise_server_exceptions=False)
    response = quiet.get("/api/sessions", headers=headers)
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}


def test_the_signing_key_comes_from_a_private_key_file_or_the_environment(tmp_path, monkeypatch):
    """Not the database (issue 11): a new key file is the owner's alone (0600); one that
    others can read is refused; `$MEDTWIN_SECRET_KEY` overrides both."""
    import os
    import stat

    from medtwin.service.keys import ENV_KEY, SigningKeyError, signing_key

    monkeypatch.delenv(ENV_KEY, raising=False)
    key_file = tmp_path / "keys" / "token.key"
    key = signing_key(key_file)
    assert len(key) == 32 and signing_key(key_file) == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    os.chmod(key_file, 0o644)
    with pytest.raises(SigningKeyError, match="mode 0644 lets others read it; run chmod 600"):
        signing_key(key_file)
    monkeypatch.setenv(ENV_KEY, "ab" * 32)
    assert signing_key(key_file) == bytes.fromhex("ab" * 32)
    monkeypatch.setenv(ENV_KEY, "abcd")
    with pytest.raises(SigningKeyError, match="2 bytes; a key needs at least 32"):
        signing_key(key_file)


def test_access_tokens_are_short_lived_renewed_by_refresh_and_revoked_by_logout(client):
    """Issue 11: short-lived access tokens with refresh; logout and revocation."""
    account(client, "ines")
    tokens = client.post("/api/login", json={"username": "ines", "password": "correct horse"})
    tokens = tokens.json()
    assert tokens["expires_in_s"] == auth.ACCESS_LIFETIME_S == 900
    bearer = {"Authorization": f"Bearer {tokens['token']}"}
    assert client.get("/api/sessions", headers=bearer).status_code == 200
    as_access = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    refused = client.get("/api/sessions", headers=as_access)
    assert refused.status_code == 401 and "a refresh token" in refused.json()["detail"]
    renewed = client.post("/api/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    assert client.post("/api/logout", headers=bearer).status_code == 204
    for headers in (bearer, {"Authorization": f"Bearer {renewed.json()['token']}"}):
        response = client.get("/api/sessions", headers=headers)
        assert response.status_code == 401 and "revoked" in response.json()["detail"]
    again = client.post("/api/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


def test_a_token_spelled_differently_is_refused():
    """The base64 decoder skips characters outside its alphabet; a token with any added
    (found by the fuzz run: a leading '::') must not be accepted."""
    secret = b"k" * 32
    token = auth.make_token("tom", secret)
    assert auth.read_token(token, secret).username == "tom"
    for spelled in ("::" + token, token.replace(".", "=."), " " + token, token + "\n"):
        with pytest.raises(UnauthorizedError):
            auth.read_token(spelled, secret)
