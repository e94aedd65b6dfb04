"""Reading and writing the outside world's health data for the twin.

- FHIR R4: `read_record` (a patient's Bundle -> `PatientRecord`), `vital_observations`
  (twin vitals and forecasts -> vital-signs Observations with `derivedFrom`);
- HL7 v2: `measurements_from_oru` (ORU^R01 / IHE PCD-01) and `MllpListener` (MLLP);
- MQTT: `MqttObservationSource` (a topic per twin; JSON or FHIR Observation payloads);
- PhysioNet WFDB: `read_numerics` (numerics records such as MIMIC-II's).
Every reader produces `Measurement`s in the vocabulary of data/signals.csv; every
problem with the input is an `InteropError` naming the resource or field.
"""

from medtwin.interop.measurement import InteropError, Measurement

__all__ = ["InteropError", "Measurement"]
