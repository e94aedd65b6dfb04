// The monitor's lower strip: the cuff pressure (NIBP: its buttons give the orders
// 'measure NIBP', 'NIBP every <n> min' and 'stop NIBP', and it shows what the server's
// cuff read, so everyone in the room sees the same reading), the numerics a bedside monitor shows smaller (CVP, cardiac output, BIS,
// train-of-four, urine output, and what each chest drain has let out while one is in) and
// the alarm limits the user may change.

import { config } from "./config.js";
import { el, formatClock } from "./format.js";

// `channel`: the name a layout gives the tile (config.monitor.numerics). A tile with
// `sides` shows each side's signal that has a value, and only while one has.
export const SECONDARY = [
  { id: "cvp", channel: "central_venous_pressure", label: "CVP", unit: "mmHg", signal: "central_venous_pressure", digits: 0, color: "#5aa9ff" },
  { id: "co", channel: "cardiac_output", label: "CO", unit: "L/min", signal: "cardiac_output", digits: 1, color: "#ff8c8c" },
  { id: "bis", channel: "bis", label: "BIS", unit: "", signal: "consciousness_index", digits: 0, color: "#c9a2ff" },
  { id: "tof", channel: "train_of_four", label: "TOF", unit: "%", signal: "train_of_four_ratio", digits: 0, scale: 100, color: "#9be7c4" },
  { id: "uo", channel: "urine_output", label: "Urine", unit: "mL/h", signal: "urine_output", digits: 0, color: "#f0d264" },
  { id: "drain", channel: "chest_drain_output", label: "Drain", unit: "mL", digits: 0, color: "#e06666",
    sides: [["L", "chest_drain_output_left"], ["R", "chest_drain_output_right"]] },
];

const LIMIT_LABELS = {
  heart_rate: "HR", systolic_bp: "ART sys", spo2: "SpO₂", core_temperature: "Temp",
  etco2: "EtCO₂", respiratory_rate: "RR",
};

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "--");

export class MonitorStrip {
  /** orderNibp(text): gives an NIBP order (null for those who may not order). */
  constructor(stripEl, limits, onLimits, orderNibp) {
    this.limits = limits;
    this.onLimits = onLimits;
    this.orderNibp = orderNibp;
    this.tiles = {};
    this.numerics = config.monitor.default.numerics;
    stripEl.replaceChildren(this.buildNibp(), ...SECONDARY.map((spec) => this.buildTile(spec)), this.buildLimits());
  }

  buildNibp() {
    const tile = el("div", "strip-tile nibp-tile");
    this.nibpTile = tile;
    this.nibpValue = el("span", "nibp-value", "---/---");
    this.nibpValue.id = "nibp-value";
    this.nibpWhen = el("span", "nibp-when muted", "not measured");
    this.nibpWhen.id = "nibp-when";
    const measure = el("button", "btn tiny", "Measure");
    measure.id = "nibp-measure";
    measure.type = "button";
    measure.addEventListener("click", () => this.order("measure NIBP"));
    this.cycle = el("select", "nibp-cycle");
    this.cycle.id = "nibp-cycle";
    this.cycle.setAttribute("aria-label", "NIBP cycle");
    this.cycle.append(...config.nibp.cycles_min.map((minutes) => {
      const option = el("option", null, minutes ? `every ${minutes} min` : "manual");
      option.value = String(minutes);
      return option;
    }));
    this.cycle.addEventListener("change", () => {
      const minutes = Number(this.cycle.value);
      this.order(minutes ? `NIBP every ${minutes} min` : "stop NIBP");
    });
    measure.disabled = this.cycle.disabled = !this.orderNibp;
    const head = el("div", "strip-head");
    head.append(el("span", "strip-label", "NIBP"), el("span", "strip-unit", "mmHg"));
    const controls = el("div", "nibp-controls");
    controls.append(measure, this.cycle);
    tile.append(head, this.nibpValue, this.nibpWhen, controls);
    return tile;
  }

  buildTile(spec) {
    const tile = el("div", `strip-tile strip-${spec.id}`);
    tile.style.setProperty("--tile-color", spec.color);
    const head = el("div", "strip-head");
    head.append(el("span", "strip-label", spec.label), el("span", "strip-unit", spec.unit));
    const value = el("span", "strip-value", "--");
    value.id = `num-${spec.id}`;
    tile.append(head, value);
    this.tiles[spec.id] = { spec, tile, value };
    return tile;
  }

  /** Show the tiles of the layout's `numerics` (channel names), in its order. */
  showOnly(numerics) {
    this.numerics = numerics;
    const placed = [["nibp", this.nibpTile], ...Object.values(this.tiles).map(({ spec, tile }) => [spec.channel, tile])];
    for (const [channel, tile] of placed) {
      tile.hidden = !numerics.includes(channel);
      tile.style.order = String(numerics.indexOf(channel));
    }
  }

  buildLimits() {
    const details = el("details", "alarm-settings");
    details.id = "alarm-settings";
    details.append(el("summary", null, "Alarm limits"));
    const form = el("form", "limits-form");
    form.id = "limits-form";
    for (const [signal, label] of Object.entries(LIMIT_LABELS)) {
      const [low, high] = this.limits.of(signal);
      const row = el("div", "limits-row");
      const input = (which, value) => {
        const field = el("input");
        field.type = "number";
        field.step = "any";
        field.name = `${signal}.${which}`;
        field.value = value ?? "";
        field.setAttribute("aria-label", `${label} ${which} limit`);
        return field;
      };
      row.append(el("span", null, label), input("low", low), input("high", high));
      form.append(row);
    }
    const submit = el("button", "btn tiny", "Set limits");
    submit.type = "submit";
    this.limitsMessage = el("p", "message");
    form.append(submit, this.limitsMessage);
    form.addEventListener("submit", (event) => { event.preventDefault(); this.setLimits(form); });
    details.append(form);
    return details;
  }

  setLimits(form) {
    const read = (name) => {
      const text = form.elements[name].value.trim();
      return text === "" ? null : Number(text);
    };
    for (const [signal, label] of Object.entries(LIMIT_LABELS)) {
      const problem = this.limits.set(signal, read(`${signal}.low`), read(`${signal}.high`));
      if (problem) { this.say("error", `${label}: ${problem}`); return; }
    }
    this.say("ok", "Limits set.");
    this.onLimits();
  }

  say(kind, text) {
    this.limitsMessage.className = `message ${kind}`;
    this.limitsMessage.textContent = text;
  }

  async order(text) {
    try {
      await this.orderNibp(text);
    } catch (error) {
      this.nibpWhen.textContent = error.detail ?? "refused";
    }
  }

  /** The cuff as the server's `nibp` message gives it: last reading, inflating, cycle. */
  showNibp({ time_s: timeS, systolic, diastolic, mean, measuring, every_min: everyMin }) {
    const read = Number.isFinite(timeS);
    if (read) this.nibpValue.textContent = `${fmt(systolic)}/${fmt(diastolic)} (${fmt(mean)})`;
    this.nibpWhen.textContent = measuring ? "measuring…" : (read ? `at ${formatClock(timeS)}` : "not measured");
    const minutes = String(everyMin ?? 0);
    if (![...this.cycle.options].some((option) => option.value === minutes)) {
      const option = el("option", null, `every ${minutes} min`);
      option.value = minutes;
      this.cycle.append(option);
    }
    this.cycle.value = minutes;
  }

  /** Each second's vitals: the strip's numbers. */
  update(vitals) {
    for (const { spec, tile, value } of Object.values(this.tiles)) {
      if (!spec.sides) {
        value.textContent = fmt((vitals[spec.signal] ?? NaN) * (spec.scale ?? 1), spec.digits);
        continue;
      }
      const read = spec.sides.filter(([, signal]) => Number.isFinite(vitals[signal]));
      value.textContent = read.map(([side, signal]) => `${side} ${fmt(vitals[signal], spec.digits)}`).join(" · ");
      tile.hidden = !read.length || !this.numerics.includes(spec.channel);
    }
  }
}
