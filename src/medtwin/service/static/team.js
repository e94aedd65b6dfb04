// The team's channel: call-outs everyone sees, timestamped in the session's log, and
// the coach's prompts when the instructor shares them.

import { api } from "./api.js";
import { el, formatClock } from "./format.js";

export class TeamChannel {
  constructor({ formEl, inputEl, listEl, coachEl, messageEl }, sessionId, canTalk) {
    this.els = { formEl, inputEl, listEl, coachEl, messageEl };
    this.sessionId = sessionId;
    formEl.hidden = !canTalk;
    coachEl.hidden = true;
    this.onSubmit = (event) => { event.preventDefault(); this.send(); };
    formEl.addEventListener("submit", this.onSubmit);
    this.reset([]);
  }

  reset(messages) {
    this.els.listEl.replaceChildren();
    for (const message of messages ?? []) this.add(message);
  }

  add({ author, text, time_s: timeS }) {
    const item = el("li", "team-message");
    item.append(el("time", "event-time", formatClock(timeS)), el("span", "team-author", author),
      el("span", "team-text", text));
    this.els.listEl.prepend(item);
  }

  coach({ text, time_s: timeS }) {
    this.els.coachEl.hidden = false;
    this.els.coachEl.textContent = `Coach ${formatClock(timeS)}: ${text}`;
  }

  async send() {
    const text = this.els.inputEl.value.trim();
    if (!text) return;
    try {
      await api.say(this.sessionId, text);
      this.els.inputEl.value = "";
      this.say("", "");
    } catch (error) {
      this.say("error", error.detail ?? error.message);
    }
  }

  say(kind, text) {
    this.els.messageEl.className = `message ${kind}`;
    this.els.messageEl.textContent = text;
  }

  disable() {
    for (const control of this.els.formEl.elements) control.disabled = true;
  }

  destroy() {
    this.els.formEl.removeEventListener("submit", this.onSubmit);
    for (const control of this.els.formEl.elements) control.disabled = false;
  }
}
