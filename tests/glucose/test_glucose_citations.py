"""A glucose run lists the works it used, as a cardiopulmonary twin does."""

from medtwin.citations import bibliography
from medtwin.glucose import Scenario, load_virtual_patients, simulate
from medtwin.glucose.plans import parse_plan, run_plans


def _reference(key):
    return bibliography()[key].reference


def test_a_run_cites_the_model_and_the_controller_and_sensor_it_used():
    patient = load_virtual_patients("adult#001")
    pid = simulate(patient, Scenario((), controller="pid", sensor="cgm")).citations()
    basal = simulate(patient, Scenario((), controller="basal", sensor="ideal")).citations()
    for key in ("dallaman2007meal", "dallaman2007gim", "kovatchev1997", "xie2018simglucose"):
        assert _reference(key) in pid and _reference(key) in basal
    for key in ("steil2006", "breton2008sensor", "facchinetti2014"):
        assert _reference(key) in pid and _reference(key) not in basal
    assert pid == sorted(pid)


def test_plans_cite_the_meal_uncertainty_they_assume():
    runs = run_plans(load_virtual_patients("adult#002"), (), [parse_plan("none")], members=2)
    assert _reference("brazeau2013") in runs[0].citations()
