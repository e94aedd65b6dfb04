"""Shared fixtures of the records tests: the copied data files (tests/data/records)."""

from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "data" / "records"


@pytest.fixture(scope="session")
def martina_twin_document():
    """Martina Murazik's twin (COPD, heart failure; 2019 Synthea set), built once."""
    from medtwin.assimilation.from_record import twin_from_fhir

    return twin_from_fhir(DATA / "martina_murazik.json")
