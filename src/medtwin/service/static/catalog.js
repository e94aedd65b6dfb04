// The order catalogue: every action the engine knows (GET /api/config), searchable, with
// its forms, examples and limits; every drug of the library with its dose limits, and
// every fluid. Choosing an entry puts its order in the order box to edit and give.
// Insults are offered to instructors only (the server refuses them from anyone else).

import { config } from "./config.js";
import { el } from "./format.js";

const range = ({ ge, gt, le, lt, unit }) => {
  const low = ge ?? gt;
  const high = le ?? lt;
  const text = low !== undefined && high !== undefined ? `${low}–${high}`
    : high !== undefined ? `up to ${high}` : low !== undefined ? `over ${low}` : "";
  return `${text}${unit ? ` ${unit}` : ""}`;
};

/** An order to complete: the text before and after the dose the user types. */
const template = (before, after) => ({ before, after });
const orderText = (order) => (typeof order === "string" ? order : `${order.before}…${order.after}`);

/** Every entry of the catalogue: {title, detail, orders, search}; an order is a text to
 * give as it is, or a template {before, after} with the dose left to type. */
export function catalogEntries(instructor) {
  const entries = [];
  for (const action of config.actions) {
    if (action.insult && !instructor) continue;
    const limits = Object.entries(action.limits).map(([field, l]) => `${field.replaceAll("_", " ")} ${range(l)}`);
    entries.push({
      title: action.kind.replaceAll("_", " ") + (action.insult ? " (insult)" : ""),
      detail: [...action.forms, ...(limits.length ? [`limits: ${limits.join("; ")}`] : [])].join("\n"),
      orders: action.examples,
    });
  }
  for (const drug of config.drugs ?? []) {
    // No dose is suggested (it would give the answer away): the order box gets the
    // drug and unit, with the cursor where the dose goes.
    const { bolus_max: bolus, infusion_max: infusion } = drug.limits;
    const orders = [];
    if (bolus) orders.push(template(`${drug.name} `, ` ${bolus.unit} IV bolus`));
    if (infusion) orders.push(template(`${drug.name} `, ` ${infusion.unit} IV infusion`), `stop ${drug.name} infusion`);
    const limits = [bolus && `bolus up to ${bolus.value} ${bolus.unit}`, infusion && `infusion up to ${infusion.value} ${infusion.unit}`];
    entries.push({
      title: `${drug.name} (${drug.class})`,
      detail: [drug.aliases.length ? `also: ${drug.aliases.join(", ")}` : "", limits.filter(Boolean).join("; ")].filter(Boolean).join("\n"),
      orders,
    });
  }
  for (const fluid of config.fluids ?? []) {
    entries.push({ title: `${fluid} (fluid)`, detail: "", orders: [`${fluid} 500 mL over 15 min`, `stop ${fluid}`] });
  }
  for (const entry of entries) entry.search = `${entry.title}\n${entry.detail}\n${entry.orders.map(orderText).join("\n")}`.toLowerCase();
  return entries;
}

/** The searchable list under the order box. */
export class OrderCatalog {
  constructor({ searchEl, listEl }, instructor, onChoose) {
    this.searchEl = searchEl;
    this.listEl = listEl;
    this.entries = catalogEntries(instructor);
    this.onChoose = onChoose;
    this.onInput = () => this.render();
    searchEl.addEventListener("input", this.onInput);
    searchEl.value = "";
    this.render();
  }

  render() {
    const words = this.searchEl.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = this.entries.filter((entry) => words.every((word) => entry.search.includes(word)));
    this.listEl.replaceChildren(...(shown.length ? shown.map((entry) => {
      const item = el("li", "catalog-entry");
      const head = el("div", "catalog-title", entry.title);
      item.append(head);
      if (entry.detail) item.append(el("div", "catalog-detail muted small", entry.detail));
      const orders = el("div", "catalog-orders");
      for (const order of entry.orders) {
        const chip = el("button", "chip", orderText(order));
        chip.type = "button";
        chip.addEventListener("click", () => this.onChoose(order));
        orders.append(chip);
      }
      item.append(orders);
      return item;
    }) : [el("li", "muted", "No order matches.")]));
  }

  destroy() { this.searchEl.removeEventListener("input", this.onInput); }
}
