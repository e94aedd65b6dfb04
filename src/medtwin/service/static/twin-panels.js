// The three panels of a patient's twin: its fit to the record, its live tracking with
// uncertainty bands, and the comparison of plans.

import { api } from "./api.js";
import { BandChart } from "./bands.js";
import { el } from "./format.js";

// The vitals drawn, with their units (data/signals.csv).
export const TRACKED = [
  { signal: "heart_rate", label: "HR", unit: "/min" },
  { signal: "mean_arterial_pressure", label: "MAP", unit: "mmHg" },
  { signal: "spo2", label: "SpO₂", unit: "%" },
  { signal: "respiratory_rate", label: "RR", unit: "/min" },
];
const Z90 = 1.645; // a central 90 % band of a normal estimate: mean ± 1.645 SD
const POLL_MS = 2000;
const WINDOW_MS = 15 * 60 * 1000;
const PLAN_COLORS = ["#3d8bfd", "#ffb000", "#39ff6a", "#ff4dd2"];
const OUTCOME_LABELS = {
  time_map_ge_65: "time MAP ≥ 65",
  time_spo2_ge_92: "time SpO₂ ≥ 92 %",
  time_hr_41_130: "time HR 41–130",
};

const fixed = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "—");
const percent = (v) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : "—");
const clockOf = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });

function chartCanvas(container, id) {
  const canvas = el("canvas", "chart");
  canvas.id = id;
  container.append(canvas);
  return canvas;
}

/** The fit per signal: observed, twin, residual, noise, and which resources. */
export function showFit(tableEl, emptyEl, fit) {
  const body = tableEl.querySelector("tbody");
  const rows = fit?.signals ?? [];
  tableEl.hidden = rows.length === 0;
  emptyEl.hidden = rows.length > 0;
  body.replaceChildren(...rows.map((row) => {
    const tr = el("tr", row.within_noise ? "" : "out-of-noise");
    tr.dataset.signal = row.signal;
    const dates = row.times?.length ? `${row.times[0].slice(0, 10)} … ${row.times[row.times.length - 1].slice(0, 10)}` : "";
    for (const text of [row.signal, fixed(row.observed), fixed(row.twin), fixed(row.residual),
      fixed(row.noise_sd), row.within_noise ? "yes" : "no",
      `${row.resources?.length ?? 0} obs, ${dates}`]) tr.append(el("td", null, text));
    return tr;
  }));
}

/** Polls the twin's track and draws estimate bands with the observed values. */
export class LiveTracking {
  constructor({ statusEl, chartsEl, decisionsEl }, twinId) {
    this.twinId = twinId;
    this.statusEl = statusEl;
    this.decisionsEl = decisionsEl;
    this.after = 0;
    this.estimates = [];
    this.decisions = [];
    chartsEl.replaceChildren();
    this.charts = TRACKED.map(({ signal, label, unit }) => {
      const box = el("div", "chart-box");
      const readout = el("div", "readout", `${label} —`);
      readout.id = `est-${signal}`;
      chartsEl.append(box);
      box.append(readout);
      const chart = new BandChart(chartCanvas(box, `track-${signal}`), { title: label, unit, formatX: clockOf });
      return { signal, label, unit, chart, readout };
    });
    decisionsEl.replaceChildren();
    this.poll();
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  async poll() {
    try {
      const track = await api.track(this.twinId, this.after);
      this.after = track.latest;
      this.estimates.push(...track.estimates);
      this.decisions.push(...track.decisions);
      const oldest = Date.now() - WINDOW_MS;
      this.estimates = this.estimates.filter((e) => Date.parse(e.time) >= oldest);
      this.decisions = this.decisions.slice(-500);
      this.show(track.estimate);
      for (const d of track.decisions) this.addDecision(d);
    } catch (error) {
      this.statusEl.textContent = `Tracking paused: ${error.detail ?? error.message}`;
    }
  }

  show(estimate) {
    const accepted = this.decisions.filter((d) => d.accepted).length;
    const refused = this.decisions.length - accepted;
    if (estimate) {
      this.statusEl.textContent = `Tracked at ${clockOf(Date.parse(estimate.time))} · ${accepted} accepted, ${refused} refused`;
    }
    const x = this.estimates.map((e) => Date.parse(e.time));
    for (const { signal, label, unit, chart, readout } of this.charts) {
      const mean = this.estimates.map((e) => e.vitals[signal]?.mean ?? NaN);
      const sd = this.estimates.map((e) => e.vitals[signal]?.sd ?? NaN);
      const points = this.decisions.filter((d) => d.signal === signal)
        .map((d) => ({ x: Date.parse(d.time), y: d.value, filled: d.accepted }));
      chart.setSeries([{ label, color: "#3d8bfd", x, mean,
        low: mean.map((m, i) => m - Z90 * sd[i]), high: mean.map((m, i) => m + Z90 * sd[i]), points }]);
      const now = estimate?.vitals?.[signal];
      readout.textContent = now && Number.isFinite(now.mean)
        ? `${label} ${fixed(now.mean, 0)} ± ${fixed(Z90 * now.sd, 0)} ${unit}` : `${label} —`;
    }
  }

  addDecision(d) {
    const item = el("li", `event decision ${d.accepted ? "accepted" : "refused"}`);
    item.append(
      el("time", "event-time", clockOf(Date.parse(d.time))),
      el("span", "event-order", `${d.signal} ${fixed(d.value)}`),
      el("span", "event-source", d.accepted ? "accepted" : d.reason),
    );
    this.decisionsEl.prepend(item);
    while (this.decisionsEl.children.length > 30) this.decisionsEl.lastChild.remove();
  }

  destroy() {
    clearInterval(this.timer);
    for (const { chart } of this.charts) chart.destroy();
  }
}

/** The plan form, the outcome table and one chart per vital with every plan's band. */
export class PlanComparison {
  constructor({ formEl, horizonEl, submitEl, messageEl, tableEl, chartsEl }, twinId) {
    this.twinId = twinId;
    this.els = { formEl, horizonEl, submitEl, messageEl, tableEl, chartsEl };
    this.charts = [];
    this.onSubmit = (event) => { event.preventDefault(); this.compare(); };
    formEl.addEventListener("submit", this.onSubmit);
    tableEl.hidden = true;
    chartsEl.replaceChildren();
    messageEl.textContent = "";
  }

  say(kind, text) {
    this.els.messageEl.className = `message ${kind}`;
    this.els.messageEl.textContent = text;
  }

  async compare() {
    const plans = [...this.els.formEl.querySelectorAll(".plan-input")]
      .map((input) => input.value.trim()).filter(Boolean);
    if (!plans.length) { this.say("error", "Give at least one plan (\"no change\" is one)."); return; }
    this.els.submitEl.disabled = true;
    this.say("", `Running ${plans.length} plans on every member of the ensemble…`);
    try {
      const result = await api.plans(this.twinId, plans, Number(this.els.horizonEl.value));
      this.show(result);
      const start = result.start ? `the state tracked at ${clockOf(Date.parse(result.start))}` : "the record's fit at rest";
      this.say("ok", `${result.plans.length} plans × ${result.members} members from ${start}.`);
    } catch (error) {
      this.say("error", error.detail ?? error.message);
    } finally {
      this.els.submitEl.disabled = false;
    }
  }

  show(result) {
    const { tableEl, chartsEl } = this.els;
    const names = Object.keys(result.outcomes);
    const head = el("tr");
    for (const text of ["Plan", ...names.map((n) => OUTCOME_LABELS[n] ?? n), "MAP at end", "HR at end", "SpO₂ at end"]) {
      head.append(el("th", null, text));
    }
    tableEl.querySelector("thead").replaceChildren(head);
    tableEl.querySelector("tbody").replaceChildren(...result.plans.map((plan, p) => {
      const tr = el("tr", "plan-row");
      const name = el("td", "plan-name", plan.plan);
      name.style.color = PLAN_COLORS[p % PLAN_COLORS.length];
      tr.append(name);
      for (const n of names) {
        const o = plan.outcomes[n];
        tr.append(el("td", null, `${percent(o.mean)} [${percent(o.p05)}–${percent(o.p95)}]`));
      }
      for (const signal of ["mean_arterial_pressure", "heart_rate", "spo2"]) {
        const s = plan.forecast.signals[signal];
        const last = s.mean.length - 1;
        tr.append(el("td", null, `${fixed(s.mean[last], 0)} [${fixed(s.p05[last], 0)}–${fixed(s.p95[last], 0)}]`));
      }
      return tr;
    }));
    tableEl.hidden = false;
    for (const { chart } of this.charts) chart.destroy();
    chartsEl.replaceChildren();
    this.charts = TRACKED.map(({ signal, label, unit }) => {
      const box = el("div", "chart-box");
      chartsEl.append(box);
      const chart = new BandChart(chartCanvas(box, `plan-${signal}`), {
        title: label, unit, formatX: (s) => `${Math.round(s / 60)} min`,
      });
      chart.setSeries(result.plans.map((plan, p) => {
        const s = plan.forecast.signals[signal];
        return { label: plan.plan, color: PLAN_COLORS[p % PLAN_COLORS.length],
          x: plan.forecast.times_s, mean: s.mean, low: s.p05, high: s.p95 };
      }));
      return { chart };
    });
  }

  destroy() {
    this.els.formEl.removeEventListener("submit", this.onSubmit);
    for (const { chart } of this.charts) chart.destroy();
  }
}
