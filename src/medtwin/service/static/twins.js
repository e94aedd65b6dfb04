// The clinician's page: build a patient's twin from their FHIR record, see its fit,
// follow it live, compare plans. Same account and styles as the session app.

import { api, auth } from "./api.js";
import { config, loadConfig } from "./config.js";
import { el, describePatient } from "./format.js";
import { LiveTracking, PlanComparison, showFit } from "./twin-panels.js";

const $ = (id) => document.getElementById(id);
const CURRENT_KEY = "medtwin.twin";
let open = null;

function say(kind, text) {
  $("twin-message").className = `message ${kind}`;
  $("twin-message").textContent = text;
}

async function readBundle() {
  const file = $("twin-file").files[0];
  if (!file) return null;
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not JSON: give a FHIR Bundle in JSON`);
  }
}

async function createTwin() {
  const title = $("twin-title-input").value.trim();
  const members = Number($("twin-members").value);
  const source = {};
  try {
    const bundle = await readBundle();
    if (bundle) source.bundle = bundle;
    else if ($("twin-patient").value) source.patient = $("twin-patient").value;
    else { say("error", "Choose a FHIR record (a patient's Bundle) or a library patient."); return; }
  } catch (error) {
    say("error", error.message);
    return;
  }
  $("twin-create").disabled = true;
  say("", source.bundle ? "Reading the record and fitting the twin to it (several seconds)…" : "Building the twin…");
  try {
    const twin = await api.createTwin({ title, members, seed: 0, ...source });
    say("ok", `Built ${twin.title}.`);
    await listTwins();
    showTwin(twin);
  } catch (error) {
    say("error", error.detail ?? error.message);
  } finally {
    $("twin-create").disabled = false;
  }
}

async function listTwins() {
  const twins = await api.twins();
  const list = $("twin-list");
  if (!twins.length) { list.replaceChildren(el("li", "muted", "None yet.")); return; }
  list.replaceChildren(...twins.map((twin) => {
    const item = el("li", "session-item");
    const button = el("button", "btn tiny", "Open");
    button.addEventListener("click", async () => showTwin(await api.twin(twin.id)));
    item.append(el("span", "session-name", twin.title),
      el("span", "muted small", `${twin.patient.name} · ${twin.members} members`), button);
    return item;
  }));
}

function closeTwin() {
  open?.tracking.destroy();
  open?.plans.destroy();
  open = null;
}

function showTwin(twin) {
  closeTwin();
  sessionStorage.setItem(CURRENT_KEY, String(twin.id));
  $("twin-view").hidden = false;
  $("twin-title").textContent = twin.title;
  $("twin-patient-line").textContent = describePatient({
    ...twin.patient, height_cm: Math.round(twin.patient.height_cm), weight_kg: Math.round(twin.patient.weight_kg),
  });
  const record = twin.record;
  $("twin-record-line").textContent = record
    ? `${record.patient_resource}, record as of ${record.as_of.slice(0, 10)}; ${twin.members} ensemble members`
    : `No record; ${twin.members} ensemble members`;
  $("twin-conditions").replaceChildren(
    ...twin.conditions.map((c) => el("span", "chip", `${c.name} ${c.severity.toFixed(2)}${c.modelled ? "" : " (not modelled)"}`)),
    ...twin.medications.map((m) => el("span", "chip", m.drug_class ? `${m.name} → ${m.drug_class}` : m.name)),
  );
  showFit($("fit-table"), $("fit-empty"), twin.fit);
  open = {
    twin,
    tracking: new LiveTracking({ statusEl: $("track-status"), chartsEl: $("track-charts"),
      decisionsEl: $("decisions") }, twin.id),
    plans: new PlanComparison({ formEl: $("plans-form"), horizonEl: $("plans-horizon"),
      submitEl: $("plans-submit"), messageEl: $("plans-message"), tableEl: $("plans-table"),
      chartsEl: $("plans-charts") }, twin.id),
  };
}

async function start() {
  await loadConfig();
  if (!auth.token) { $("view-signed-out").hidden = false; return; }
  $("whoami").textContent = auth.username;
  $("view-twins").hidden = false;
  for (const patient of config.patients) {
    const option = el("option", null, describePatient(patient));
    option.value = patient.name;
    $("twin-patient").append(option);
  }
  $("twin-form").addEventListener("submit", (event) => { event.preventDefault(); createTwin(); });
  try {
    await listTwins();
    const current = sessionStorage.getItem(CURRENT_KEY);
    if (current) showTwin(await api.twin(Number(current)));
  } catch (error) {
    if (error.status === 401) { auth.clear(); $("view-twins").hidden = true; $("view-signed-out").hidden = false; }
    else sessionStorage.removeItem(CURRENT_KEY);
  }
}

start();
