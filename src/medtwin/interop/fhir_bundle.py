"""Reading FHIR R4 Bundles: the envelope, an index of the resources, and references.

Synthea writes transaction bundles (entries with `fullUrl = urn:uuid:...` and POST
requests) and, since version 3, conditional references to the practitioners,
organisations and locations of separate support bundles
(`Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999...`). `ResourceIndex`
holds the resources of a patient's bundle and of any reference bundles, and resolves
literal (`urn:uuid:...`, `Patient/123`) and conditional (`Type?identifier=sys|value`)
references (FHIR R4 3.1.0.4.1 "Literal references" and 3.1.0.11 "Conditional
references" in Bundles). The envelope is checked here; a resource is validated against
its R4B model (R4 data: see shared INTEROP.md) only when a reader uses it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medtwin.data_files import read_data_file
from medtwin.interop.measurement import InteropError

BUNDLE_TYPES = (
    "transaction",
    "batch",
    "collection",
    "searchset",
    "document",
    "history",
    "transaction-response",
    "batch-response",
    "message",
)


@dataclass(frozen=True)
class Entry:
    """One resource of a bundle: where it came from and how to name it."""

    resource: Mapping[str, Any]
    full_url: str | None
    bundle: str
    position: int

    @property
    def type(self) -> str:
        return str(self.resource["resourceType"])

    @property
    def label(self) -> str:
        """`Type/id` (or `Type in <bundle> entry n` without an id), for messages."""
        rid = self.resource.get("id")
        if isinstance(rid, str) and rid:
            return f"{self.type}/{rid}"
        return f"{self.type} (entry {self.position} of {self.bundle})"


def load_bundle(
    source: str | os.PathLike | Mapping[str, Any], label: str | None = None
) -> list[Entry]:
    """The entries of a FHIR Bundle given as a file path or as parsed JSON.

    A file that is not JSON, is not a Bundle, or has an entry without a resource gets an
    `InteropError` naming the file (or `label`) and the entry.
    """
    if isinstance(source, Mapping):
        data, name = source, label or "bundle"
    else:
        path = Path(source)
        name = label or str(path)
        data = read_data_file(path, name, "json", "a FHIR Bundle", InteropError)
    return _entries(data, name)


def _entries(data: Any, name: str) -> list[Entry]:
    if not isinstance(data, Mapping) or data.get("resourceType") != "Bundle":
        found = data.get("resourceType") if isinstance(data, Mapping) else type(data).__name__
        raise InteropError(f"{name}: resourceType {found!r} is not a FHIR Bundle")
    if data.get("type") not in BUNDLE_TYPES:
        raise InteropError(
            f"{name}: Bundle.type {data.get('type')!r} is not allowed; allowed: "
            f"{', '.join(BUNDLE_TYPES)}"
        )
    raw = data.get("entry", [])
    if not isinstance(raw, list):
        raise InteropError(f"{name}: Bundle.entry must be a list, got {type(raw).__name__}")
    entries = []
    for position, item in enumerate(raw):
        where = f"{name}: Bundle.entry[{position}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("resource"), Mapping):
            raise InteropError(f"{where} has no resource object")
        resource = item["resource"]
        if not isinstance(resource.get("resourceType"), str):
            raise InteropError(f"{where}.resource has no resourceType")
        full_url = item.get("fullUrl")
        if full_url is not None and not isinstance(full_url, str):
            raise InteropError(f"{where}.fullUrl must be a string, got {full_url!r}")
        entries.append(Entry(resource, full_url, name, position))
    return entries


@dataclass
class ResourceIndex:
    """The resources of one patient's bundle plus its reference bundles, by reference."""

    entries: list[Entry]
    reference_entries: list[Entry] = field(default_factory=list)
    unresolved: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._by_key: dict[str, Entry] = {}
        self._by_identifier: dict[tuple[str, str, str], Entry] = {}
        for entry in (*self.entries, *self.reference_entries):
            if entry.full_url:
                self._by_key.setdefault(entry.full_url, entry)
            rid = entry.resource.get("id")
            if isinstance(rid, str):
                self._by_key.setdefault(f"{entry.type}/{rid}", entry)
            for identifier in _list(entry.resource.get("identifier")):
                if isinstance(identifier, Mapping):
                    key = (
                        entry.type,
                        str(identifier.get("system", "")),
                        str(identifier.get("value", "")),
                    )
                    self._by_identifier.setdefault(key, entry)

    def of_type(self, resource_type: str) -> list[Entry]:
        """This patient's bundle's resources of one type, in bundle order."""
        return [entry for entry in self.entries if entry.type == resource_type]

    def type_counts(self) -> Counter[str]:
        return Counter(entry.type for entry in self.entries)

    def resolve(self, reference: str) -> Entry | None:
        """The entry a reference points at, or None (counted in `unresolved` by type)."""
        entry = self._by_key.get(reference)
        if entry is None and "?" in reference:
            entry = self._conditional(reference)
        if entry is None:
            self.unresolved[reference.split("?")[0].split("/")[0]] += 1
        return entry

    def _conditional(self, reference: str) -> Entry | None:
        resource_type, _, query = reference.partition("?")
        for part in query.split("&"):
            name, _, value = part.partition("=")
            if name == "identifier":
                system, _, code = value.rpartition("|")
                return self._by_identifier.get((resource_type, system, code))
        return None


def _list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else ()
