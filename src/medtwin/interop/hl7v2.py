"""HL7 v2 ORU^R01 monitor messages (IHE PCD-01) to `Measurement`s, and their ACKs.

An IHE PCD-01 message (IHE PCD Technical Framework vol. 2, transaction PCD-01
"Communicate PCD Data"; HL7 v2.6 chapter 7) carries one OBX per device metric: OBX-3
the IEEE 11073-10101 nomenclature code (`150456^MDC_PULS_OXIM_SAT_O2^MDC`), OBX-5 the
value, OBX-6 the unit (an MDC dimension code such as `266016^MDC_DIM_MMHG^MDC`, or
UCUM), OBX-11 the result status (HL7 table 0085) and OBX-14 the observation time
(OBR-7 and then MSH-7 when it is empty). Rows with an empty OBX-2 are the device tree
(MDS, VMD, channel) and carry no value.

The codes medtwin reads are in `data/mdc_signals.csv` and the units in
`data/mdc_units.csv`, each with its source. The numeric code identifies a term in
IEEE 11073-10101 (the reference ID is its mnemonic), so a value is read by its code and
a reference ID that does not match the code is reported as a warning, not a refusal:
the NIST PCD-01 test message spells `MDC_PREeSS_BLD_ART_DIA` on purpose. Codes with no
rule are counted in `ignored`. `hl7apy` splits the message into the segments and
groups of its ORU_R01 definition (tolerant mode: its strict mode refuses some valid
messages and names no field when it refuses); segment IDs and order, value types,
numbers, units and times are checked here, so that anything malformed is an
`InteropError` naming the segment and field.

`build_ack` writes the HL7 v2 original-mode acknowledgement (HL7 v2.6 chapter 2,
section 2.9.2): MSA-1 `AA` when the message was read, `AE` with an ERR segment when it
was refused (ERR-3 from HL7 table 0357, message error condition codes).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from importlib.resources import files

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.exceptions import HL7apyException
from hl7apy.parser import parse_message

from medtwin.interop.measurement import InteropError, Measurement
from medtwin.interop.units import convert
from medtwin.signals import signal as signal_info

ACK_VERSION = "2.6"
"""HL7 version of the acknowledgements (that of IHE PCD-01)."""
_DEFAULT_ENCODING = "^~\\&"
_DTM = re.compile(
    r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?(?:([+-])(\d{2})(\d{2}))?$"
)
_NM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")  # HL7 v2.6 section 2.A.47, data type NM
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_MISSING_STATUSES = {"X"}  # HL7 table 0085: results cannot be obtained for this observation
_WITHDRAWN_STATUSES = {"D": "deleted", "W": "posted for the wrong patient"}


@dataclass(frozen=True)
class MdcRule:
    codes_refids: tuple[str, ...]
    signal: str
    source: str


def _read_csv(name: str) -> list[dict[str, str]]:
    text = files("medtwin.interop").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


MDC_SIGNALS: dict[str, MdcRule] = {
    row["mdc_code"]: MdcRule(tuple(row["refid"].split("|")), row["signal"], row["source"])
    for row in _read_csv("mdc_signals.csv")
}
MDC_UNITS: dict[str, tuple[str, str]] = {
    row["mdc_unit_code"]: (row["refid"], row["ucum"]) for row in _read_csv("mdc_units.csv")
}
for _rule in MDC_SIGNALS.values():
    signal_info(_rule.signal)  # a typo in the table fails at import, naming the signal


@dataclass(frozen=True)
class MessageHeader:
    """The MSH fields an acknowledgement needs (read without `hl7apy`, so that even a
    message it cannot parse gets an ACK naming its control ID)."""

    field_separator: str = "|"
    encoding_characters: str = _DEFAULT_ENCODING
    sending_application: str = ""
    sending_facility: str = ""
    receiving_application: str = ""
    receiving_facility: str = ""
    message_type: str = ""
    control_id: str = ""
    processing_id: str = "P"
    version: str = ACK_VERSION


@dataclass(frozen=True)
class OruMessage:
    """What one ORU^R01 gave: its header, the measurements, the codes ignored (with
    counts) and warnings (reference IDs that do not match their codes, withdrawn rows)."""

    header: MessageHeader
    measurements: tuple[Measurement, ...]
    ignored: dict[str, int]
    warnings: tuple[str, ...]


def normalise_segments(text: str) -> str:
    """Segments separated by CR, as HL7 requires (files often use LF or CRLF)."""
    return text.replace("\r\n", "\r").replace("\n", "\r").strip("\r")


def read_header(text: str) -> MessageHeader:
    """The message's MSH fields; `InteropError` if it does not start with an MSH."""
    text = normalise_segments(text)
    if not text.startswith("MSH") or len(text) < 8:
        raise InteropError(f"MSH: an HL7 v2 message starts with an MSH segment; got {text[:20]!r}")
    separator = text[3]
    fields = text.split("\r", 1)[0].split(separator)
    # fields[1] is MSH-2 (MSH-1 is the separator itself), so MSH-n is fields[n - 1]

    def field(n: int, default: str = "") -> str:
        return fields[n - 1] if len(fields) >= n and fields[n - 1] else default

    encoding = field(2)
    if len(encoding) < 4 or separator in encoding or separator.isalnum():
        raise InteropError(
            f"MSH-1/MSH-2: separator {separator!r} and encoding characters {encoding!r} "
            "are not valid (expected '|' and '^~\\&')"
        )
    return MessageHeader(
        separator,
        encoding,
        field(3),
        field(4),
        field(5),
        field(6),
        field(9),
        field(10),
        field(11, "P"),
        field(12, ACK_VERSION),
    )


def measurements_from_oru(text: str, source: str = "HL7") -> OruMessage:
    """The measurements of an ORU^R01 (IHE PCD-01) message (see the module docstring);
    `InteropError` naming the segment and field for anything malformed."""
    header = read_header(text)
    components = header.message_type.split(header.encoding_characters[0])
    if components[:2] != ["ORU", "R01"]:
        raise InteropError(
            f"MSH-9: message type {header.message_type!r} is not ORU^R01 (IHE PCD-01)"
        )
    _check_segments(normalise_segments(text), header)
    try:
        message = parse_message(
            normalise_segments(text), validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=True
        )
    except (HL7apyException, ValueError, IndexError, KeyError, TypeError) as error:
        raise InteropError(f"HL7 {header.control_id}: not a valid ORU^R01: {error}") from None
    component = header.encoding_characters[0]
    message_time = _field_time(message.msh, "MSH-7", None, component)
    reader = _Reader(f"{source} {header.control_id}".strip(), component)
    order_time = message_time
    order = 0
    for segment in _segments(message):
        if segment.name == "OBR":
            order += 1
            order_time = _field_time(segment, "OBR-7", message_time, component)
        elif segment.name == "OBX":
            reader.read_obx(segment, order, order_time)
    return OruMessage(
        header, tuple(reader.measurements), dict(reader.ignored), tuple(reader.warnings)
    )


def _check_segments(text: str, header: MessageHeader) -> None:
    """Segment IDs and order that `hl7apy` lets through: every segment starts with a
    three-character ID (HL7 v2.6 section 2.5.1), MSH comes once, and an OBX follows an OBR
    (the ORU_R01 ORDER_OBSERVATION group, HL7 v2.6 section 7.3.1)."""
    seen_obr = False
    for number, segment in enumerate(text.split("\r"), start=1):
        name = segment[:3]
        where = f"HL7 {header.control_id} segment {number} ({segment[:12]!r})"
        if not _SEGMENT_ID.match(name) or segment[3:4] not in ("", header.field_separator):
            raise InteropError(f"{where}: not a segment (an ID of 3 capitals or digits first)")
        if name == "MSH" and number > 1:
            raise InteropError(f"{where}: a second MSH; send one message per MLLP frame")
        if name == "OBX" and not seen_obr:
            raise InteropError(f"{where}: OBX before any OBR; ORU^R01 puts OBX after their OBR")
        seen_obr = seen_obr or name == "OBR"


class _Reader:
    """Reads OBX segments one at a time, collecting measurements, ignored codes, warnings."""

    def __init__(self, label: str, component: str) -> None:
        self.label = label
        self.component = component
        self.measurements: list[Measurement] = []
        self.ignored: Counter[str] = Counter()
        self.warnings: list[str] = []

    def read_obx(self, obx, order: int, order_time: datetime | None) -> None:
        where = f"{self.label} OBR {order} OBX {_value(obx, 'OBX-1') or '?'}"
        value_type = _value(obx, "OBX-2")
        identifier = _value(obx, "OBX-3").split(self.component)
        code = identifier[0]
        if not value_type and not _value(obx, "OBX-5"):
            return  # a row of the device tree (MDS, VMD, channel): no value
        rule = MDC_SIGNALS.get(code)
        if rule is None:
            self.ignored[" ".join(identifier[:2]).strip() or "(no code)"] += 1
            return
        if len(identifier) > 1 and identifier[1] and identifier[1] not in rule.codes_refids:
            self.warnings.append(
                f"{where} OBX-3: reference ID {identifier[1]!r} does not match code {code} "
                f"({rule.codes_refids[0]}); read by its code"
            )
        if value_type != "NM":
            raise InteropError(
                f"{where} OBX-2: value type {value_type!r} for {code} ({rule.codes_refids[0]}); "
                "a numeric value (NM) is expected"
            )
        status = _value(obx, "OBX-11")
        if status in _WITHDRAWN_STATUSES:
            self.warnings.append(f"{where} OBX-11: status {status} ({_WITHDRAWN_STATUSES[status]})")
            return
        time = _field_time(obx, "OBX-14", order_time, self.component)
        if time is None:
            raise InteropError(f"{where}: no time in OBX-14, OBR-7 or MSH-7")
        value = self._value(obx, rule, status, where)
        self.measurements.append(Measurement(rule.signal, value, time, where))

    def _value(self, obx, rule: MdcRule, status: str, where: str) -> float:
        text = _value(obx, "OBX-5")
        if status in _MISSING_STATUSES or not text:
            return float("nan")
        if not _NM.match(text):
            raise InteropError(f"{where} OBX-5: value {text!r} is not a number (HL7 NM)")
        number = float(text)
        ucum = self._ucum(_value(obx, "OBX-6"), where)
        return convert(number, ucum, signal_info(rule.signal).ucum, f"{where} OBX-6")

    def _ucum(self, unit: str, where: str) -> str:
        parts = unit.split(self.component) + [""] * 6
        if parts[2] == "UCUM" and parts[0]:
            return parts[0]
        if parts[5] == "UCUM" and parts[3]:
            return parts[3]
        if parts[0] in MDC_UNITS:
            refid, ucum = MDC_UNITS[parts[0]]
            if parts[1] and parts[1] != refid:
                self.warnings.append(
                    f"{where} OBX-6: reference ID {parts[1]!r} does not match unit code "
                    f"{parts[0]} ({refid}); read by its code"
                )
            return ucum
        raise InteropError(
            f"{where} OBX-6: unit {unit!r} is neither a known MDC unit code "
            f"({', '.join(sorted(MDC_UNITS))}) nor marked UCUM"
        )


def _segments(element) -> Iterator:
    """The message's segments in order, through its groups."""
    for child in element.children:
        if child.classname == "Segment":
            yield child
        elif child.classname == "Group":
            yield from _segments(child)


def _value(segment, field: str) -> str:
    """The ER7 text of one field (`OBX-5`), empty when absent, including when the
    message's HL7 version has no such field (OBX-14 is not in v2.1)."""
    name = field.replace("-", "_").lower()
    try:
        found = segment.children.get(name) if hasattr(segment.children, "get") else None
    except HL7apyException:
        return ""
    if not found:
        return ""
    return str(found[0].value) if isinstance(found, list) else str(found.value)


def _field_time(segment, field: str, default: datetime | None, component: str) -> datetime | None:
    text = _value(segment, field).split(component)[0]
    return parse_dtm(text, field) if text else default


def parse_dtm(text: str, field: str) -> datetime:
    """An HL7 DTM (`YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]]+/-ZZZZ`, HL7 v2.6 section
    2.A.22) as an aware UTC datetime; the offset is required to place it in UTC."""
    match = _DTM.match(text)
    if not match:
        raise InteropError(
            f"{field}: time {text!r} is not an HL7 DTM (YYYYMMDDHHMMSS[.SSSS]+/-ZZZZ)"
        )
    year, month, day, hour, minute, second, fraction, sign, tz_h, tz_m = match.groups()
    if sign is None:
        raise InteropError(f"{field}: time {text!r} has no time-zone offset (+/-ZZZZ)")
    try:
        offset = timedelta(hours=int(tz_h), minutes=int(tz_m)) * (1 if sign == "+" else -1)
        when = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
            tzinfo=timezone(offset),
        )
    except ValueError as error:
        raise InteropError(
            f"{field}: time {text!r} is not a valid date and time: {error}"
        ) from None
    return when.astimezone(UTC)


def escape(text: str, header: MessageHeader) -> str:
    """Text made safe for an HL7 field: separators as escape sequences (HL7 v2.6
    section 2.7.4: \\F\\ \\S\\ \\T\\ \\R\\ \\E\\), line breaks as spaces."""
    component, repetition, escape_char, subcomponent = header.encoding_characters[:4]
    table = {
        escape_char: f"{escape_char}E{escape_char}",
        header.field_separator: f"{escape_char}F{escape_char}",
        component: f"{escape_char}S{escape_char}",
        subcomponent: f"{escape_char}T{escape_char}",
        repetition: f"{escape_char}R{escape_char}",
    }
    flat = " ".join(text.split())
    return "".join(table.get(char, char) for char in flat)


def build_ack(
    header: MessageHeader | None, error: str | None, control_id: str, time: datetime
) -> str:
    """The ACK to a message: `AA` when `error` is None, else `AE` with the error text in
    MSA-3 and ERR-8 (ERR-3 code 207, application internal error, HL7 table 0357: the
    message reached the application and its content was refused). Segments end with CR."""
    header = header or MessageHeader()
    separator = header.field_separator
    stamp = time.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")
    component = header.encoding_characters[0]
    trigger = header.message_type.split(component)[1:2] or ["R01"]
    msh = separator.join(
        [
            "MSH",
            header.encoding_characters,
            header.receiving_application,
            header.receiving_facility,
            header.sending_application,
            header.sending_facility,
            stamp,
            "",
            component.join(["ACK", trigger[0], "ACK"]),
            escape(control_id, header),
            header.processing_id,
            header.version,
        ]
    )
    code = "AA" if error is None else "AE"
    text = "" if error is None else escape(error, header)
    segments = [msh, separator.join(["MSA", code, header.control_id, text])]
    if error is not None:
        err_code = component.join(["207", "Application internal error", "HL70357"])
        segments.append(separator.join(["ERR", "", "", err_code, "E", "", "", "", text]))
    return "\r".join(segments) + "\r"
