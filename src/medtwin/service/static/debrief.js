// The debrief of an ended session: the whole trend, every event (injects revealed), the
// case's score, log and teaching points, the instructor's notes, the 12-lead ECGs the
// team recorded, and the downloads.

import { api } from "./api.js";
import { TrendPlot } from "./console.js";
import { caseEntryItem, renderActions, scoreText } from "./case.js";
import { canvasContext, el, formatClock } from "./format.js";
import { WAVES } from "./monitor.js";
import { TwelveLeadList } from "./twelve-lead.js";

const $ = (id) => document.getElementById(id);

/** "mm:ss" or "h:mm:ss" as seconds; NaN if it is neither. */
export function parseClock(text) {
  const parts = text.trim().split(":").map(Number);
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isInteger(p) || p < 0)) return NaN;
  return parts.reduce((total, part) => total * 60 + part, 0);
}

// The strips a replay draws: lead II and every other channel; the other ECG leads stay in
// the replay's data (and the recorded 12-leads), or the strip would hold 15 traces.
const REPLAYED = WAVES.filter((wave) => !wave.name.startsWith("ecg_") || wave.name === "ecg_ii");

/** Draw replayed waveforms, one strip per channel, at the monitor's colours and scales. */
function drawWaves(container, replay) {
  container.hidden = false;
  container.replaceChildren(...REPLAYED.map((wave) => {
    const canvas = el("canvas");
    canvas.dataset.wave = wave.name;
    canvas.id = `replay-${wave.name === "ecg_ii" ? "ecg" : wave.name}`;
    return canvas;
  }));
  for (const canvas of container.children) {
    const wave = REPLAYED.find((w) => w.name === canvas.dataset.wave);
    const values = replay.channels[wave.name] ?? [];
    const sized = canvasContext(canvas);
    if (!sized || !values.length) continue;
    const { ctx, w, h } = sized;
    const finite = values.filter(Number.isFinite);
    const [low, high] = wave.scales.find(([, top]) => Math.max(...finite) <= top * 0.95) ?? wave.scales[wave.scales.length - 1];
    ctx.strokeStyle = wave.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let drawing = false; // a missing sample (null: no ventilator) breaks the trace
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) { drawing = false; return; }
      const x = (i / (values.length - 1)) * w;
      const y = h - 4 - ((Math.min(Math.max(v, low), high) - low) / (high - low)) * (h - 8);
      if (drawing) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      drawing = true;
    });
    ctx.stroke();
    ctx.fillStyle = wave.color;
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillText(wave.label, 4, 12);
  }
}

/** A table's only row, saying it has none. */
function emptyRow(text, columns) {
  const row = el("tr", "muted");
  const cell = el("td", null, text);
  cell.colSpan = columns;
  row.append(cell);
  return row;
}

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
    this.twelveLeads = new TwelveLeadList($("debrief-twelve-leads"), $("twelve-lead-dialog"));
    this.listeners = [
      [$("debrief-report"), "click", () => this.downloadReport()],
      [$("debrief-xapi"), "click", () => this.downloadXapi()],
      [$("replay-form"), "submit", (event) => { event.preventDefault(); this.replay(); }],
      [$("whatif-form"), "submit", (event) => { event.preventDefault(); this.whatIf(); }],
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
      const row = el("tr", m.met?.length ? "met" : "");
      const met = (m.met ?? []).map((item) => `${item.text} (${item.status})`).join("; ");
      row.append(el("td", null, formatClock(m.time_s)), el("td", null, m.author), el("td", null, m.text), el("td", null, met));
      return row;
    }) : [emptyRow("No call-outs.", 4)]));
    $("debrief-overrides").replaceChildren(...(debrief.overrides.length ? debrief.overrides.map((o) => {
      const item = el("li", "note");
      item.append(el("time", "event-time", formatClock(o.time_s)),
        el("span", null, `${o.signal} shown as ${o.value} for ${o.seconds} s (${o.author})`));
      return item;
    }) : [el("li", "muted", "None.")]));
    this.twelveLeads.reset(debrief.twelve_leads ?? []);
    const { case: run } = debrief;
    $("debrief-case-card").hidden = !run;
    $("debrief-report").hidden = !run;
    $("debrief-xapi").hidden = !run;
    $("whatif-card").hidden = !run;
    $("replay-waves").hidden = true;
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

  async replay() {
    const atS = parseClock($("replay-at").value);
    if (!Number.isFinite(atS)) { $("replay-message").textContent = "Give a time as mm:ss."; return; }
    $("replay-message").textContent = "Replaying…";
    try {
      const replay = await api.debriefWaveforms(this.sessionId, atS);
      drawWaves($("replay-waves"), replay);
      $("replay-message").textContent = `${formatClock(replay.time_s)} to ${formatClock(replay.time_s + 10)}`;
    } catch (error) {
      $("replay-message").textContent = error.detail ?? error.message;
    }
  }

  async whatIf() {
    const atS = parseClock($("whatif-at").value);
    const message = $("whatif-message");
    if (!Number.isFinite(atS)) { message.className = "message error"; message.textContent = "Give a time as mm:ss."; return; }
    message.className = "message";
    message.textContent = "Playing the run again both ways…";
    try {
      const html = await api.whatIf(this.sessionId, { at_s: atS, order: $("whatif-order").value.trim(), alone: $("whatif-alone").checked });
      download(`what-if-${this.sessionId}.html`, "text/html", html);
      message.textContent = "The comparison is downloaded.";
    } catch (error) {
      message.className = "message error";
      message.textContent = error.detail ?? error.message;
    }
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
    this.twelveLeads.destroy();
  }
}
