"""One bibliography with stable keys: every engine parameter names a work, and a run
lists the full references of what it used."""

from __future__ import annotations

from medtwin import Twin, pharmacology
from medtwin.citations import bibliography, engine_keys, keys_cited_in
from medtwin.glucose import controllers, generator, metrics, parameters, plans, pump, sensor
from medtwin.physiology.parameters import REFERENCE
from medtwin.trials import cardio_arm, summary


def test_every_engine_parameter_cites_a_work_of_the_bibliography():
    uncited = [name for name, p in REFERENCE.items() if not keys_cited_in(p.source)]
    assert uncited == []
    assert {"ursino1998", "albanese2016", "guyton2006medical"} <= engine_keys()
    assert all(work.reference.strip() for work in bibliography().values())


def test_every_glucose_parameter_and_every_declared_source_is_a_work_of_the_bibliography():
    # The glucose twin and the trials cite as the engine does: a parameter's source names
    # a work; modules, devices and controllers list the keys of the works they use.
    uncited = [name for name, _, _, source in parameters.PARAMETERS if not keys_cited_in(source)]
    assert uncited == []
    assert {"dallaman2007meal", "dallaman2007gim", "dallaman2006oral"} <= {
        key for *_, source in parameters.PARAMETERS for key in keys_cited_in(source)
    }
    declared = {*parameters.SOURCES, *metrics.SOURCES, *plans.SOURCES, *generator.SOURCES,
                *summary.SOURCES, *cardio_arm.SOURCES}  # fmt: skip
    declared |= {key for kind in controllers.CONTROLLERS.values() for key in kind.SOURCES}
    declared |= {key for device in (*sensor.SENSORS.values(), *pump.PUMPS.values())
                 for key in device.sources}  # fmt: skip
    assert declared - set(bibliography()) == set()
    assert {"steil2006", "breton2008sensor", "facchinetti2014", "walsh2013"} <= declared


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
