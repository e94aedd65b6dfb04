// The debrief of an ended session: the whole trend, every event (injects revealed), the
// case's score, log and teaching points, the instructor's notes, and the downloads.

import { api } from "./api.js";
import { TrendPlot } from "./console.js";
import { caseEntryItem, renderActions, scoreText } from "./case.js";
import { el, formatClock } from "./format.js";

const $ = (id) => document.getElementById(id);

function download(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export class DebriefView {
  constructor() {
    this.trend = new TrendPlot($("debrief-trend"), { windowS: null });
    this.listeners = [
      [$("debrief-report"), "click", () => this.downloadReport()],
      [$("debrief-xapi"), "click", () => this.downloadXapi()],
    ];
    for (const [target, type, handler] of this.listeners) target.addEventListener(type, handler);
  }

  async show(sessionId) {
    this.sessionId = sessionId;
    this.say("", "Loading the debrief…");
    const debrief = await api.debrief(sessionId);
    const { session } = debrief;
    $("debrief-title").textContent = `Debrief: ${session.title}`;
    const team = (session.participants ?? []).map((p) => `${p.username} (${p.role})`).join(", ");
    $("debrief-meta").textContent = `${formatClock(session.time_s)} of simulated time · ${session.status} · ${team}`;
    this.trend.reset(debrief.history);
    $("debrief-events").replaceChildren(...debrief.events.map((event) => {
      const item = el("li", `event event-${event.kind}`);
      item.append(el("time", "event-time", formatClock(event.time_s)),
        el("span", "event-order", event.order), el("span", "event-source", event.source));
      return item;
    }));
    $("debrief-notes").replaceChildren(...(debrief.notes.length ? debrief.notes.map((note) => {
      const item = el("li", "note");
      item.append(el("time", "event-time", formatClock(note.time_s)), el("span", null, note.text));
      return item;
    }) : [el("li", "muted", "No notes.")]));
    $("debrief-messages").replaceChildren(...(debrief.messages.length ? debrief.messages.map((m) => {
      const item = el("li", "team-message");
      item.append(el("time", "event-time", formatClock(m.time_s)), el("span", "team-author", m.author), el("span", "team-text", m.text));
      return item;
    }) : [el("li", "muted", "No call-outs.")]));
    $("debrief-overrides").replaceChildren(...(debrief.overrides.length ? debrief.overrides.map((o) => {
      const item = el("li", "note");
      item.append(el("time", "event-time", formatClock(o.time_s)),
        el("span", null, `${o.signal} shown as ${o.value} for ${o.seconds} s (${o.author})`));
      return item;
    }) : [el("li", "muted", "None.")]));
    const { case: run } = debrief;
    $("debrief-case-card").hidden = !run;
    $("debrief-report").hidden = !run;
    $("debrief-xapi").hidden = !run;
    $("debrief-score").textContent = run
      ? `${run.title}: ${scoreText(run.score)} · ${run.score.passed ? "passed" : "not passed"} · patient ${run.score.alive ? "alive" : "died"}`
      : "";
    if (run) {
      renderActions($("debrief-actions"), run.score.actions);
      $("debrief-case-log").replaceChildren(...run.entries.map(caseEntryItem));
      $("debrief-points").replaceChildren(...run.points.map((text) => el("li", null, text)));
    }
    this.say("", "");
  }

  say(kind, text) {
    $("debrief-message").className = `message ${kind}`;
    $("debrief-message").textContent = text;
  }

  async downloadReport() {
    try {
      download(`debrief-${this.sessionId}.html`, "text/html", await api.debriefReport(this.sessionId));
    } catch (error) { this.say("error", error.detail ?? error.message); }
  }

  async downloadXapi() {
    try {
      const statements = await api.debriefXapi(this.sessionId);
      download(`debrief-${this.sessionId}.xapi.json`, "application/json", JSON.stringify(statements, null, 2));
    } catch (error) { this.say("error", error.detail ?? error.message); }
  }

  destroy() {
    for (const [target, type, handler] of this.listeners) target.removeEventListener(type, handler);
    this.trend.destroy();
  }
}
