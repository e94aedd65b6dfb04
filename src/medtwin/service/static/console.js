// The instructor console: clock, end of session, trend plot, participants and notes.

import { api } from "./api.js";
import { config } from "./config.js";
import { canvasContext, el, formatClock } from "./format.js";

const TREND_WINDOW_S = 600;
const TREND_SERIES = [
  { signal: "mean_arterial_pressure", label: "MAP", color: "#ff4d4d", axis: "left" },
  { signal: "heart_rate", label: "HR", color: "#39ff6a", axis: "left" },
  { signal: "spo2", label: "SpO₂", color: "#2fe3f0", axis: "right" },
];

/** MAP, HR (0–200, left) and SpO2 (50–100 %, right) over the last `windowS` simulated
 * seconds (ten minutes by default; null: the whole session, as the debrief shows it). */
export class TrendPlot {
  constructor(canvas, { windowS = TREND_WINDOW_S } = {}) {
    this.canvas = canvas;
    this.windowS = windowS;
    this.timeS = [];
    this.signals = Object.fromEntries(TREND_SERIES.map((s) => [s.signal, []]));
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(canvas);
  }

  reset(history) {
    this.timeS = [...(history?.time_s ?? [])];
    for (const { signal } of TREND_SERIES) this.signals[signal] = [...(history?.signals?.[signal] ?? [])];
    this.draw();
  }

  add(timeS, vitals) {
    if (this.timeS.length && timeS <= this.timeS[this.timeS.length - 1]) return;
    this.timeS.push(timeS);
    for (const { signal } of TREND_SERIES) this.signals[signal].push(vitals[signal] ?? NaN);
    const keepFrom = this.windowS === null ? 0 : this.timeS.findIndex((t) => t >= timeS - 2 * this.windowS);
    if (keepFrom > 0) {
      this.timeS.splice(0, keepFrom);
      for (const { signal } of TREND_SERIES) this.signals[signal].splice(0, keepFrom);
    }
    this.draw();
  }

  draw() {
    const sized = canvasContext(this.canvas);
    if (!sized) return;
    const { ctx, w, h } = sized;
    const left = 34;
    const right = 34;
    const top = 8;
    const bottom = 18;
    const end = this.timeS.length ? this.timeS[this.timeS.length - 1] : 0;
    const start = this.windowS === null ? (this.timeS[0] ?? 0) : Math.max(0, end - this.windowS);
    const span = Math.max(end - start, 60);
    const x = (t) => left + ((t - start) / span) * (w - left - right);
    const yLeft = (v) => top + (1 - v / 200) * (h - top - bottom);
    const yRight = (v) => top + (1 - (v - 50) / 50) * (h - top - bottom);

    ctx.font = "10px system-ui, sans-serif";
    ctx.strokeStyle = "#26313d";
    ctx.fillStyle = "#7f8c99";
    ctx.lineWidth = 1;
    for (const v of [0, 50, 100, 150, 200]) {
      ctx.beginPath();
      ctx.moveTo(left, yLeft(v));
      ctx.lineTo(w - right, yLeft(v));
      ctx.stroke();
      ctx.textAlign = "right";
      ctx.fillText(String(v), left - 4, yLeft(v) + 3);
    }
    ctx.fillStyle = "#2fe3f0";
    ctx.textAlign = "left";
    for (const v of [50, 75, 100]) ctx.fillText(`${v}%`, w - right + 4, yRight(v) + 3);
    ctx.fillStyle = "#7f8c99";
    ctx.textAlign = "center";
    const step = [60, 120, 300, 600, 900, 1800, 3600].find((s) => span / s <= 8) ?? 7200;
    for (let t = Math.ceil(start / step) * step; t <= start + span; t += step) {
      ctx.fillText(t >= 3600 ? formatClock(t).slice(0, 5) : formatClock(t).slice(3), x(t), h - 5);
    }

    for (const series of TREND_SERIES) {
      const values = this.signals[series.signal];
      const y = series.axis === "left" ? yLeft : yRight;
      ctx.strokeStyle = series.color;
      ctx.lineWidth = 1.8;
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < this.timeS.length; i++) {
        const t = this.timeS[i];
        const v = values[i];
        if (t < start || !Number.isFinite(v)) { pen = false; continue; }
        if (pen) ctx.lineTo(x(t), y(v)); else ctx.moveTo(x(t), y(v));
        pen = true;
      }
      ctx.stroke();
    }
  }

  destroy() { this.resizeObserver.disconnect(); }
}

export class InstructorConsole {
  constructor(elements, session, { onEnded }) {
    this.els = elements;
    this.session = session;
    this.onEnded = onEnded;
    this.trend = new TrendPlot(elements.trendEl);
    elements.joinCodeEl.textContent = session.code ?? "";
    elements.presetsEl.replaceChildren(...config.speeds.presets.map((speed) => {
      const button = el("button", "btn tiny", `${speed}×`);
      button.type = "button";
      button.dataset.speed = String(speed);
      button.addEventListener("click", () => this.setSpeed(speed));
      return button;
    }));
    this.listeners = [
      [elements.pauseEl, "click", () => this.clock({ action: "pause" })],
      [elements.resumeEl, "click", () => this.clock({ action: "resume" })],
      [elements.speedEl, "input", () => { elements.speedOutEl.textContent = `${elements.speedEl.value}×`; }],
      [elements.speedEl, "change", () => this.setSpeed(Number(elements.speedEl.value))],
      [elements.endEl, "click", () => this.end()],
      [elements.noteFormEl, "submit", (event) => { event.preventDefault(); this.addNote(); }],
      [elements.shareEl, "change", () => this.share(elements.shareEl.checked)],
      [elements.overrideFormEl, "submit", (event) => { event.preventDefault(); this.override(); }],
    ];
    elements.overrideSignalEl.replaceChildren(...config.numerics.map((signal) => {
      const option = el("option", null, signal.replaceAll("_", " "));
      option.value = signal;
      return option;
    }));
    for (const [target, type, handler] of this.listeners) target.addEventListener(type, handler);
    elements.notesEl.replaceChildren();
    this.showClock(session);
    this.refreshParticipants();
    // The stream carries no join messages, so the participant list is polled.
    this.participantsTimer = setInterval(() => this.refreshParticipants(), 5000);
  }

  message(kind, text) {
    this.els.messageEl.className = `message ${kind}`;
    this.els.messageEl.textContent = text;
  }

  async clock(change) {
    try {
      const session = await api.clock(this.session.id, change);
      this.showClock(session);
      this.message("", "");
    } catch (error) {
      this.message("error", error.detail ?? error.message);
    }
  }

  setSpeed(speed) {
    this.els.speedEl.value = String(speed);
    this.els.speedOutEl.textContent = `${speed}×`;
    return this.clock({ speed });
  }

  showClock({ status, speed }) {
    if (status) this.session.status = status;
    if (Number.isFinite(speed)) this.session.speed = speed;
    const { els } = this;
    const ended = this.session.status === "ended";
    els.pauseEl.disabled = ended || this.session.status === "paused";
    els.resumeEl.disabled = ended || this.session.status === "running";
    els.endEl.disabled = ended;
    for (const control of els.overrideFormEl.elements) control.disabled = ended;
    els.shareEl.disabled = ended;
    els.speedEl.disabled = ended;
    for (const button of els.presetsEl.children) {
      button.disabled = ended;
      button.classList.toggle("active", Number(button.dataset.speed) === this.session.speed);
    }
    if (Number.isFinite(this.session.speed) && document.activeElement !== els.speedEl) {
      els.speedEl.value = String(this.session.speed);
      els.speedOutEl.textContent = `${this.session.speed}×`;
    }
    if (ended) this.onEnded?.();
  }

  async end() {
    if (!window.confirm("End this session for everyone? The patient stops and orders close.")) return;
    try {
      this.showClock(await api.end(this.session.id));
    } catch (error) {
      this.message("error", error.detail ?? error.message);
    }
  }

  showSharing(share) { this.els.shareEl.checked = share; }

  async share(share) {
    try {
      await api.sharePrompts(this.session.id, share);
      this.message("", "");
    } catch (error) {
      this.els.shareEl.checked = !share;
      this.message("error", error.detail ?? error.message);
    }
  }

  /** Show a vital sign other than it is, for a while (logged as the instructor's). */
  async override() {
    const { overrideSignalEl, overrideValueEl, overrideSecondsEl } = this.els;
    try {
      await api.override(this.session.id, overrideSignalEl.value, Number(overrideValueEl.value),
        Number(overrideSecondsEl.value));
      this.message("", "");
    } catch (error) {
      this.message("error", error.detail ?? error.message);
    }
  }

  async addNote() {
    const text = this.els.noteInputEl.value.trim();
    if (!text) return;
    try {
      await api.note(this.session.id, text);
      this.els.noteInputEl.value = "";
    } catch (error) {
      this.message("error", error.detail ?? error.message);
    }
  }

  showNote(note) {
    const item = el("li", "note");
    item.append(el("time", "event-time", formatClock(note.time_s)), el("span", null, note.text));
    this.els.notesEl.prepend(item);
  }

  resetNotes(notes) {
    this.els.notesEl.replaceChildren();
    for (const note of notes ?? []) this.showNote(note);
  }

  showParticipants(participants) {
    this.els.participantsEl.replaceChildren(...participants.map((p) => {
      const item = el("li", `participant role-${p.role}`);
      item.append(el("span", "participant-name", p.username), el("span", "role-badge", p.role));
      return item;
    }));
  }

  async refreshParticipants() {
    try {
      const session = await api.session(this.session.id);
      if (session.participants) this.showParticipants(session.participants);
    } catch {
      // A missed poll is harmless; the next one retries.
    }
  }

  destroy() {
    clearInterval(this.participantsTimer);
    for (const [target, type, handler] of this.listeners) target.removeEventListener(type, handler);
    this.trend.destroy();
  }
}
