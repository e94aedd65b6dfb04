"""The stream's messages are typed both ways: what the server sends validates against
its models, and a value the monitor cannot give is JSON null, never bare NaN."""

from __future__ import annotations

import json
import math
from typing import Annotated

from pydantic import Field, TypeAdapter
from test_service_support import account, new_session, open_stream, receive_until, running_client

from medtwin.service.messages import ServerMessage, VitalsMessage, to_text

SERVER_MESSAGE = TypeAdapter(Annotated[ServerMessage, Field(discriminator="type")])


def test_a_missing_reading_is_null_and_the_frame_is_valid_json():
    text = to_text(VitalsMessage(time_s=3.0, vitals={"spo2": math.nan, "heart_rate": 71.0}))
    assert json.loads(text) == {"type": "vitals", "time_s": 3.0, "rhythm": None,
                                "vitals": {"spo2": None, "heart_rate": 71.0}}  # fmt: skip


def test_every_message_a_client_receives_is_one_of_the_documented_types(tmp_path):
    with running_client(tmp_path) as client:
        instructor = account(client, "ines")
        session = new_session(client, instructor)
        token = instructor["Authorization"].removeprefix("Bearer ")
        with open_stream(client, session["id"], token) as ws:
            ws.send_text(json.dumps({"type": "order", "order": "haemorrhage 100 mL/min"}))
            ws.send_text(json.dumps({"type": "order", "order": "fentanyl 50 g IV bolus"}))
            ws.send_text(json.dumps({"type": "clock", "speed": 20}))
            _, seen = receive_until(ws, lambda m: m["type"] == "vitals" and m["time_s"] > 5)
    types = {SERVER_MESSAGE.validate_python(message).type for message in seen}
    assert {"snapshot", "event", "error", "clock", "vitals"} <= types
