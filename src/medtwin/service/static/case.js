// A training case in the room: the instructor's case console, the team's handover, and
// the readable lines of the case's log (shared with the debrief).

import { api } from "./api.js";
import { el, formatClock } from "./format.js";

/** One console entry of the case's log as a line of text. */
export function caseEntryText(entry) {
  switch (entry.type) {
    case "phase": return `Phase ${entry.phase} (${entry.trigger})`;
    case "event": return `Event: ${entry.name}`;
    case "callout": return `Call-out: ${entry.text} (${entry.author})`;
    case "condition": return `Condition met: ${entry.condition}`;
    case "prompt": return `Coach: ${entry.text}`;
    case "end": return `Case over: ${entry.reason}${entry.outcome ? ` (${entry.outcome})` : ""}`;
    case "action": return `${entry.order} (${entry.by ?? "trainee"})`;
    default: return entry.type;
  }
}

export function caseEntryItem(entry) {
  const item = el("li", `case-entry case-${entry.type}`);
  item.append(el("time", "event-time", formatClock(entry.time_s)), el("span", null, caseEntryText(entry)));
  return item;
}

/** The expected actions with how each went so far ("on time", "late", "missed"...). */
export function renderActions(listEl, actions) {
  listEl.replaceChildren(...actions.map((action) => {
    const item = el("li", `case-action status-${action.status.replaceAll(" ", "-")}`);
    item.append(
      el("span", "action-text", action.text),
      el("span", "action-class muted small", action.class),
      el("span", "action-status", action.time_s == null ? action.status : `${action.status} ${formatClock(action.time_s)}`),
    );
    return item;
  }));
}

export function scoreText(score) {
  const percent = (x) => `${Math.round(100 * x)} %`;
  const gates = score.gate_failures.length ? ` · gates failed: ${score.gate_failures.join(", ")}` : "";
  return `${percent(score.total)} (pass ${percent(score.pass_score)})${gates}`;
}

/** The case part of the instructor console: phase, live score, events to fire, log. */
export class CaseConsole {
  constructor(elements, sessionId) {
    this.els = elements;
    this.sessionId = sessionId;
    this.firing = false;
  }

  reset(state) {
    if (!state) { this.els.rootEl.hidden = true; return; }
    this.els.rootEl.hidden = false;
    this.els.titleEl.textContent = state.title;
    this.els.logEl.replaceChildren();
    this.showEvents(state.events ?? []);
    this.update(state, state.entries ?? []);
  }

  showEvents(events) {
    this.els.eventsEl.replaceChildren(...events.map((event) => {
      const button = el("button", "btn tiny case-event", event.name.replaceAll("_", " "));
      button.type = "button";
      button.title = event.text;
      button.dataset.event = event.name;
      button.addEventListener("click", () => this.fire(event.name));
      return button;
    }));
  }

  update(state, entries) {
    this.els.phaseEl.textContent = state.phase.name;
    this.els.phaseTextEl.textContent = state.phase.text;
    this.els.scoreEl.textContent = scoreText(state.score);
    this.els.scoreEl.dataset.passed = String(state.score.passed);
    renderActions(this.els.actionsEl, state.score.actions);
    for (const entry of entries) this.els.logEl.prepend(caseEntryItem(entry));
    if (state.finished) for (const button of this.els.eventsEl.children) button.disabled = true;
  }

  async fire(name) {
    try {
      await api.fireCaseEvent(this.sessionId, name);
      this.els.messageEl.className = "message";
      this.els.messageEl.textContent = "";
    } catch (error) {
      this.els.messageEl.className = "message error";
      this.els.messageEl.textContent = error.detail ?? error.message;
    }
  }

  disable() {
    for (const button of this.els.eventsEl.children) button.disabled = true;
  }
}

/** What the team is told: the case's history and handover. */
export function showHandover(panelEls, handover) {
  panelEls.panelEl.hidden = !handover;
  if (!handover) return;
  panelEls.titleEl.textContent = `Handover: ${handover.title}`;
  panelEls.historyEl.textContent = handover.history;
  panelEls.textEl.textContent = handover.handover;
}
