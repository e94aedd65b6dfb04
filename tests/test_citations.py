"""One bibliography with stable keys: every engine parameter names a work, and a run
lists the full references of what it used."""

from __future__ import annotations

from medtwin import Twin, pharmacology
from medtwin.citations import bibliography, engine_keys, keys_cited_in
from medtwin.physiology.parameters import REFERENCE


def test_every_engine_parameter_cites_a_work_of_the_bibliography():
    uncited = [name for name, p in REFERENCE.items() if not keys_cited_in(p.source)]
    assert uncited == []
    assert {"ursino1998", "albanese2016", "guyton2006medical"} <= engine_keys()
    assert all(work.reference.strip() for work in bibliography().values())


def test_a_run_cites_the_drugs_it_gave_with_the_model_it_chose():
    twin = Twin("standard-male", drug_models={"propofol": "marsh"}, waveform_seconds=0.0)
    before = set(twin.citations())
    assert bibliography()["ursino1998"].reference in before
    twin.apply("propofol 1 mg/kg IV bolus")
    added = set(twin.citations()) - before
    propofol = pharmacology.drug("propofol")
    assert propofol.model("marsh").source in added
    assert propofol.model("schnider").source not in added
    assert not any("Minto" in reference for reference in added)  # remifentanil not given
