// The instructor's monitor layout for one role: which waveforms and numerics the
// monitors of everyone of that role show, in the server's channel order
// (config.monitor). The waveforms are offered in the server's groups (the ECG leads,
// the pressures and gases, the ventilation); the layout sent keeps the channel order.
// The form shows the chosen role's layout as the session has it (the snapshot's
// `layouts`). The server validates a layout sent and sends it to those monitors.

import { api } from "./api.js";
import { config } from "./config.js";
import { el } from "./format.js";
import { WAVES } from "./monitor.js";

const ROLES = ["trainee", "observer", "instructor"];

/** A channel as the form offers it: an ECG lead by its monitor label ("ECG aVR"). */
function choiceText(name) {
  const lead = name.startsWith("ecg_") && WAVES.find((wave) => wave.name === name);
  return lead ? `ECG ${lead.label}` : name.replaceAll("_", " ");
}

export class LayoutForm {
  constructor({ formEl, roleEl, wavesEl, numericsEl, messageEl }, sessionId) {
    this.els = { formEl, roleEl, wavesEl, numericsEl, messageEl };
    this.sessionId = sessionId;
    roleEl.replaceChildren(...ROLES.map((role) => {
      const option = el("option", null, role);
      option.value = role;
      return option;
    }));
    const { wave_groups: groups, numerics } = config.monitor;
    wavesEl.replaceChildren(...groups.map((group) => this.group(group)));
    numericsEl.replaceChildren(...numerics.map((name) => this.box("numeric", name)));
    for (const control of formEl.elements) control.disabled = false; // a session before may have ended
    this.layouts = {};
    this.onSubmit = (event) => { event.preventDefault(); this.send(); };
    formEl.addEventListener("submit", this.onSubmit);
    this.onRole = () => this.showRole();
    roleEl.addEventListener("change", this.onRole);
    this.showRole();
  }

  /** Every role's layout as the session has it ({role: {waves, numerics}}). */
  useLayouts(layouts) {
    this.layouts = { ...layouts };
    this.showRole();
  }

  /** Check the boxes of the chosen role's layout (the default until one is known). */
  showRole() {
    const shown = this.layouts[this.els.roleEl.value] ?? config.monitor.default;
    for (const input of this.els.formEl.querySelectorAll("input[type=checkbox]")) {
      input.checked = shown[input.name === "wave" ? "waves" : "numerics"].includes(input.value);
    }
  }

  /** One group of waveform boxes under its name ({name, waves}). */
  group({ name, waves }) {
    const fieldset = el("fieldset", "layout-group");
    const choices = el("div", "layout-choices");
    choices.append(...waves.map((wave) => this.box("wave", wave)));
    fieldset.append(el("legend", null, name), choices);
    return fieldset;
  }

  box(kind, name) {
    const label = el("label", "layout-choice");
    const input = el("input");
    input.type = "checkbox";
    input.name = kind;
    input.value = name;
    label.append(input, el("span", null, choiceText(name)));
    return label;
  }

  /** The checked channels of `kind`, in the server's order of them (not the groups'). */
  checked(kind) {
    const order = config.monitor[kind === "wave" ? "waves" : "numerics"];
    const boxes = this.els.formEl.querySelectorAll(`input[name=${kind}]:checked`);
    const names = [...boxes].map((input) => input.value);
    return names.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }

  async send() {
    const { roleEl, messageEl } = this.els;
    const body = { role: roleEl.value, waves: this.checked("wave"), numerics: this.checked("numeric") };
    try {
      await api.layout(this.sessionId, body);
      this.layouts[body.role] = { waves: body.waves, numerics: body.numerics };
      messageEl.className = "message ok";
      messageEl.textContent = `Layout set for every ${body.role}.`;
    } catch (error) {
      messageEl.className = "message error";
      messageEl.textContent = error.detail ?? error.message;
    }
  }

  disable() {
    for (const control of this.els.formEl.elements) control.disabled = true;
  }

  destroy() {
    this.els.formEl.removeEventListener("submit", this.onSubmit);
    this.els.roleEl.removeEventListener("change", this.onRole);
  }
}
