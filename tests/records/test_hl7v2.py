"""HL7 v2 ORU^R01 (IHE PCD-01): the NIST test messages, MDC codes and units, errors, ACKs."""

import math
from datetime import UTC, datetime

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtwin.interop import InteropError
from medtwin.interop.hl7v2 import build_ack, measurements_from_oru, read_header

from .conftest import DATA

PCD01 = (DATA / "nist_pcd01_oru_r01.hl7").read_text()
PCD03 = (DATA / "nist_pcd03_oru_r40.hl7").read_text()
SENT = datetime(2018, 1, 15, 22, 17, 14, tzinfo=UTC)  # OBR-7 20180115171714-0500
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _with_obx(*rows: str) -> str:
    """The NIST PCD-01 message with its first order's OBX 4-7 replaced by `rows`."""
    lines = PCD01.splitlines()
    keep = [line for line in lines if not line.startswith(("OBX|4|", "OBX|5|", "OBX|6|", "OBX|7|"))]
    at = keep.index("OBX|3||69855^MDC_DEV_METER_PRESS_BLD_CHAN^MDC|1.13.1.0|||||||X") + 1
    return "\n".join(keep[:at] + list(rows) + keep[at:])


def test_the_nist_pcd01_message_gives_its_arterial_pressures():
    message = measurements_from_oru(PCD01)
    # OBX 4-6 of the file: 108 / 73 / 91 MDC_DIM_MMHG, no OBX-14, so OBR-7's time
    assert [(m.signal, m.value, m.time) for m in message.measurements] == [
        ("systolic_bp", 108.0, SENT),
        ("diastolic_bp", 73.0, SENT),
        ("mean_arterial_pressure", 91.0, SENT),
    ]
    assert message.measurements[0].source == "HL7 375 OBR 1 OBX 4"
    # pulse rate (82 /min) and the remaining-volume metric have no rule
    assert message.ignored == {
        "149522 MDC_BLD_PULS_RATE_INV": 1,
        "157872 MDC_VOL_FLUID_TBI_REMAIN": 1,
    }
    assert message.header.control_id == "375"
    assert message.header.sending_application == "MINDRAY_A7^00A037002A01E240^EUI-64"
    # the file's deliberate typos are read by their codes and reported
    assert len(message.warnings) == 2
    assert "OBX 5 OBX-3" in message.warnings[0] and "MDC_PREeSS_BLD_ART_DIA" in message.warnings[0]
    assert "OBX 6 OBX-6" in message.warnings[1] and "MDC_DdIM_MMHG" in message.warnings[1]


def test_codes_units_and_observation_times():
    text = _with_obx(
        "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|97|262688^MDC_DIM_PERCENT^MDC"
        "|||||R|||20180115171710-0500",
        "OBX|5|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|72|/min^/min^UCUM|||||F",
        "OBX|6|NM|150037^MDC_PRESS_BLD_ART_ABP_SYS^MDC|1.13.1.1|14.0|265987^MDC_DIM_KILO_PASCAL^MDC"
        "|||||R",
        "OBX|7|NM|150364^MDC_TEMP_BODY^MDC|1.8.1.1|98.6|266560^MDC_DIM_FAHR^MDC^[degF]^[degF]^UCUM"
        "|||||R",
        "OBX|8|NM|151562^MDC_RESP_RATE^MDC|1.9.1.1||264928^MDC_DIM_RESP_PER_MIN^MDC|||||X",
    )
    values = {m.signal: m for m in measurements_from_oru(text).measurements}
    assert values["spo2"].value == 97.0
    assert values["spo2"].time == datetime(2018, 1, 15, 22, 17, 10, tzinfo=UTC)  # its OBX-14
    assert values["heart_rate"].value == 72.0 and values["heart_rate"].time == SENT
    # UCUM: 1 mmHg = 133.322 Pa, so 14.0 kPa = 105.01 mmHg; 98.6 degF = 37.0 Cel
    assert values["systolic_bp"].value == pytest.approx(14.0 * 1000 / 133.322)
    assert values["core_temperature"].value == pytest.approx(37.0)
    assert values["respiratory_rate"].is_missing  # OBX-11 X: result cannot be obtained


def test_a_withdrawn_row_is_skipped_with_a_warning():
    text = _with_obx(
        "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|97|262688^MDC_DIM_PERCENT^MDC|||||W"
    )
    message = measurements_from_oru(text)
    assert message.measurements == ()
    assert "OBX-11: status W" in message.warnings[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PCD03, "MSH-9: message type 'ORU^R40^ORU_R40' is not ORU^R01"),
        ("PID|||1\rOBX|1", "MSH: an HL7 v2 message starts with an MSH segment"),
        (
            _with_obx(
                "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1|ninety|262688^MDC_DIM_PERCENT^MDC|||||R"
            ),
            "HL7 375 OBR 1 OBX 4 OBX-5: value 'ninety' is not a number",
        ),
        (
            _with_obx("OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1|97|999^MDC_DIM_X^MDC|||||R"),
            "OBX 4 OBX-6: unit '999^MDC_DIM_X^MDC' is neither a known MDC unit code",
        ),
        (
            _with_obx("OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1|97|mm[Hg]^mm[Hg]^UCUM|||||R"),
            "OBX 4 OBX-6: unit 'mm[Hg]' cannot be converted to '%'",
        ),
        (
            _with_obx("OBX|4|ST|150456^MDC_PULS_OXIM_SAT_O2^MDC|1|high||||||R"),
            "OBX 4 OBX-2: value type 'ST' for 150456",
        ),
        (
            PCD01.replace("20180115171714-0500", "20180115171714"),
            "MSH-7: time '20180115171714' has no",
        ),
        (
            PCD01.replace("|20180115171714-0500||ORU", "|2018-01-15||ORU"),
            "MSH-7: time '2018-01-15' is not an HL7 DTM",
        ),
        (
            PCD01.replace("20180115171714-0500", "20181315171714-0500"),
            "MSH-7: time '20181315171714-0500'",
        ),
        (PCD01.replace("\nOBR|1|", "\nZZ|1|", 1), "HL7 375 segment 4 ('ZZ|1|"),
        (PCD01.replace("\nOBR|1|", "\nOBRX|", 1), "segment 4 ('OBRX|"),
        (PCD01.replace("\nPV1|", "\nOBX|1|NM|x\nPV1|", 1), "segment 3 ('OBX|1|NM|x'): OBX before"),
        (PCD01 + "\nMSH|^~\\&|x", "a second MSH"),
    ],
)
def test_malformed_messages_are_refused_naming_the_segment_and_field(text, expected):
    with pytest.raises(InteropError) as error:
        measurements_from_oru(text)
    assert expected in str(error.value)


def test_acknowledgements_accept_and_refuse():
    header = read_header(PCD01)
    accepted = parse_message(
        build_ack(header, None, "A1", NOW), validation_level=VALIDATION_LEVEL.STRICT
    )
    assert accepted.msh.msh_9.value == "ACK^R01^ACK" and accepted.msh.msh_10.value == "A1"
    assert accepted.msh.msh_5.value == "MINDRAY_A7^00A037002A01E240^EUI-64"  # back to the sender
    assert accepted.msh.msh_7.value == "20240501120000+0000"
    assert accepted.msa.msa_1.value == "AA" and accepted.msa.msa_2.value == "375"
    refused = build_ack(header, "OBX-5: value 'a|b^c' is bad", "A2", NOW)
    segments = refused.rstrip("\r").split("\r")
    assert [s[:3] for s in segments] == ["MSH", "MSA", "ERR"]
    assert segments[1] == "MSA|AE|375|OBX-5: value 'a\\F\\b\\S\\c' is bad"
    assert segments[2].split("|")[3] == "207^Application internal error^HL70357"


_MUTATION = st.tuples(
    st.integers(0, len(PCD01)),
    st.integers(0, 40),
    st.text(alphabet="|^~\\&\n\rOBXMSHNM0123456789.-+ ", max_size=24),
)


def _parse_mutated(mutation) -> None:
    at, cut, inserted = mutation
    try:
        message = measurements_from_oru(PCD01[:at] + inserted + PCD01[at + cut :])
    except InteropError as error:
        assert str(error)
    else:
        assert all(math.isnan(m.value) or math.isfinite(m.value) for m in message.measurements)


def _ack_of_any_text(text: str) -> None:
    segments = build_ack(read_header(PCD01), text, "A", NOW).rstrip("\r").split("\r")
    assert [s[:3] for s in segments] == ["MSH", "MSA", "ERR"]  # no text can add a segment
    assert segments[1].split("|")[:3] == ["MSA", "AE", "375"]  # nor a field


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MUTATION)
def test_fuzz_mutated_messages_give_values_or_an_interop_error(mutation):
    _parse_mutated(mutation)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_fuzz_any_error_text_stays_inside_its_ack_fields(text):
    _ack_of_any_text(text)


def test_a_field_the_messages_version_lacks_reads_as_absent():
    """The fuzz run's find: a cut that leaves the message claiming HL7 v2.1, whose OBX
    has no OBX-14, is read (observation times fall back to the order's) or refused
    with the project's error, never hl7apy's ChildNotFound."""
    _parse_mutated((99, 37, ""))


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(_MUTATION)
def test_fuzz_many_mutated_messages(mutation):
    _parse_mutated(mutation)


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(st.text())
def test_fuzz_many_error_texts_in_acks(text):
    _ack_of_any_text(text)
