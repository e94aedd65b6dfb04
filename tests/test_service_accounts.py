"""Accounts that resist guessing (issue 11): a password policy of NIST SP 800-63B's
kind, and login and join-code attempts limited per client and per account."""

from __future__ import annotations

import pytest
from test_service_support import account, advance, new_session, running_client

from medtwin.service.clock import ManualClock


@pytest.fixture
def client(tmp_path):
    with running_client(tmp_path, ManualClock()) as test_client:
        yield test_client


@pytest.mark.parametrize("password", [" " * 8, "\x00" * 8, "password1", "qwertyuiop",
                                      "ines-likes-cake", "12345678"])  # fmt: skip
def test_guessable_passwords_are_refused_naming_the_field(client, password):
    response = client.post("/api/users", json={"username": "ines", "password": password})
    assert response.status_code == 422, password
    assert response.json()["detail"].startswith("password: ")
    assert password.strip() == "" or password not in response.json()["detail"]


def test_a_long_phrase_is_accepted_without_composition_rules(client):
    body = {"username": "ines", "password": "correct horse battery"}
    assert client.post("/api/users", json=body).status_code == 201


def test_ten_wrong_passwords_lock_the_account_for_a_quarter_hour(client):
    account(client, "ines")
    wrong = {"username": "ines", "password": "not the password at all"}
    for _ in range(10):
        assert client.post("/api/login", json=wrong).status_code == 401
    right = {"username": "ines", "password": "correct horse"}
    locked = client.post("/api/login", json=right)
    assert locked.status_code == 429 and "too many failed attempts" in locked.json()["detail"]
    assert int(locked.headers["Retry-After"]) == 900
    advance(client, 901.0)
    assert client.post("/api/login", json=right).status_code == 200


def test_guessing_join_codes_is_locked_out(client):
    instructor, guesser = account(client, "ines"), account(client, "tom")
    session = new_session(client, instructor)
    for index in range(20):
        code = f"ZZZZZZ{index:02d}".replace("0", "A").replace("1", "B")
        response = client.post("/api/sessions/join", json={"code": code, "role": "trainee"},
                               headers=guesser)  # fmt: skip
        assert response.status_code == 404
    real = {"code": session["code"], "role": "trainee"}
    assert client.post("/api/sessions/join", json=real, headers=guesser).status_code == 429
