// The order panel: free-text orders with examples, the server's refusal shown verbatim.

import { api } from "./api.js";
import { OrderCatalog } from "./catalog.js";
import { config } from "./config.js";
import { el, formatClock } from "./format.js";

// Common orders, in the readable form `medtwin.actions` parses. Insults (a
// haemorrhage) are the instructor's to inject, so only the instructor is offered them.
const TREATMENTS = [
  "propofol 2 mg/kg IV bolus",
  "fentanyl 1 mcg/kg IV bolus",
  "rocuronium 0.6 mg/kg IV bolus",
  "phenylephrine 100 mcg IV bolus",
  "ephedrine 10 mg IV bolus",
  "norepinephrine 0.1 mcg/kg/min IV infusion",
  "stop norepinephrine infusion",
  "lactated Ringer's 1000 mL over 15 min",
  "normal saline 125 mL/h",
  "stop normal saline",
  "stop haemorrhage",
];
const INSULTS = ["haemorrhage 150 mL/min", "haemorrhage 500 mL over 10 min"];

const TREATMENT_CHIPS = [
  "propofol 2 mg/kg IV bolus",
  "norepinephrine 0.1 mcg/kg/min IV infusion",
  "lactated Ringer's 1000 mL over 15 min",
];
const INSULT_CHIPS = ["haemorrhage 150 mL/min"];

/** A refusal cut to its first line, without the lists of every form, drug or fluid the
 * server adds (too long for the panel; the catalogue has them), with at most one
 * suggestion: the example of the registry whose first word is the order's. */
export function shortRefusal(detail, order) {
  const first = detail.split("\n")[0]
    .replace(/:?\s*accepted orders:.*$/s, "")
    .replace(/\s*\((library|known)[^)]*\)/g, "")
    .replace(/;?\s*known fluids: .*$/, "");
  const word = order.trim().split(/\s+/)[0]?.toLowerCase();
  const examples = (config.actions ?? []).flatMap((action) => action.examples);
  const near = examples.find((example) => example.toLowerCase().split(" ")[0] === word);
  return near && !first.includes(near) ? `${first} Try: ${near}` : first;
}

export class OrderPanel {
  constructor({ formEl, inputEl, datalistEl, chipsEl, messageEl, searchEl, catalogEl }, sessionId, role) {
    this.sessionId = sessionId;
    this.inputEl = inputEl;
    this.messageEl = messageEl;
    const injects = role === "instructor";
    const examples = injects ? [...TREATMENTS, ...INSULTS] : TREATMENTS;
    const chips = injects ? [...TREATMENT_CHIPS, ...INSULT_CHIPS] : TREATMENT_CHIPS;
    datalistEl.replaceChildren(...examples.map((text) => {
      const option = document.createElement("option");
      option.value = text;
      return option;
    }));
    chipsEl.replaceChildren(...chips.map((text) => {
      const chip = el("button", "chip", text);
      chip.type = "button";
      chip.title = "Copy into the order box";
      chip.addEventListener("click", () => { inputEl.value = text; inputEl.focus(); });
      return chip;
    }));
    this.catalog = new OrderCatalog({ searchEl, listEl: catalogEl }, injects, (order) => this.choose(order));
    this.onSubmit = (event) => { event.preventDefault(); this.submit(); };
    this.formEl = formEl;
    formEl.addEventListener("submit", this.onSubmit);
    this.show("", "");
  }

  /** Put a catalogue order in the box: as it is, or with the cursor where its dose goes. */
  choose(order) {
    if (typeof order === "string") {
      this.inputEl.value = order;
      this.inputEl.focus();
      return;
    }
    this.inputEl.value = order.before + order.after;
    this.inputEl.focus();
    this.inputEl.setSelectionRange(order.before.length, order.before.length);
  }

  show(kind, text) {
    this.messageEl.className = `message ${kind}`;
    this.messageEl.textContent = text;
  }

  async submit() {
    const order = this.inputEl.value.trim();
    if (!order) { this.show("error", "Type an order first, e.g. “propofol 2 mg/kg IV bolus”."); return; }
    const button = this.formEl.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const given = await api.order(this.sessionId, order);
      this.show("ok", `Given at ${formatClock(given.time_s)}: ${given.order}`);
      this.inputEl.value = "";
    } catch (error) {
      const refused = error.status === 422;
      const detail = error.detail ?? error.message;
      this.show("error", refused ? `Order refused: ${shortRefusal(detail, order)}` : detail);
    } finally {
      button.disabled = false;
    }
  }

  disable(reason) {
    for (const control of this.formEl.elements) control.disabled = true;
    this.show("", reason);
  }

  destroy() {
    this.catalog.destroy();
    this.formEl.removeEventListener("submit", this.onSubmit);
    for (const control of this.formEl.elements) control.disabled = false;
  }
}

/** The event log: one line per event, with the simulated time and who gave it. */
export class EventLog {
  constructor(listEl) {
    this.listEl = listEl;
    this.listEl.replaceChildren();
    this.seen = new Set();
  }

  reset(events) {
    this.listEl.replaceChildren();
    this.seen.clear();
    for (const event of events) this.add(event);
  }

  add(event) {
    const key = `${event.time_s}|${event.order}|${event.source}|${event.kind}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const item = el("li", `event event-${event.kind ?? "order"}`);
    item.append(
      el("time", "event-time", formatClock(event.time_s)),
      el("span", "event-order", event.order),
      el("span", "event-source", event.source ?? ""),
    );
    if (event.kind) item.title = event.kind.replaceAll("_", " ");
    // Newest first, so the latest order is always in view.
    this.listEl.prepend(item);
  }
}
