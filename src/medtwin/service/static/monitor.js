// The bedside monitor: sweeping waveforms on canvas and the numerics with alarm limits.
//
// Binary frames arrive ~8 times a second; drawing them as they come would jerk. Samples
// go into a ring buffer indexed by absolute sample number, and a playhead that trails the
// newest sample by a few frames advances every animation frame at the simulation's
// speed, so the trace sweeps smoothly. Above 1x a sweep still shows six seconds of
// waveform at its real pace, so beats look like beats whatever the clock's speed; the
// sweeps are samples of the faster simulation (each starts at the newest data).

import { AlarmLimits, MonitorSound, evaluate } from "./alarms.js";
import { config } from "./config.js";
import { formatClock, el } from "./format.js";
import { MonitorStrip } from "./strip.js";

const SWEEP_WALL_S = 6; // seconds of waveform (and of wall time) in one sweep
const TARGET_LAG_WALL_S = 0.35; // how far the playhead trails the newest sample
const RING_SIZE = 1 << 17; // samples per channel kept (~17 min at 125 Hz)
const ERASE_GAP_CSS_PX = 14;

// An ECG lead's strip (its channel `ecg_<lead>`): every lead at lead II's gain, 2.2 mV
// a strip, the baseline placed for its normal complex: mostly upright, biphasic (III)
// or mostly downward (aVR, V1).
const ECG_WINDOWS_MV = { up: [-0.6, 1.6], both: [-1.1, 1.1], down: [-1.6, 0.6] };
const ecgLead = (lead, shape) => ({ name: `ecg_${lead.toLowerCase()}`, label: lead, unit: "mV",
  color: "#39ff6a", scales: [ECG_WINDOWS_MV[shape]] });

// Every waveform the stream may carry (config.monitor.waves names them); a layout picks
// which are drawn, in what order. `ticks`: the scale's numbers are shown beside it;
// `whileMeasured`: drawn only while the stream has its data (the airway pressure, while
// a ventilator or bag is on).
export const WAVES = [
  ecgLead("II", "up"),
  { name: "arterial_pressure", label: "ART", unit: "mmHg", color: "#ff4d4d", ticks: true,
    scales: [[0, 160], [0, 200], [0, 260]] },
  { name: "pleth", label: "Pleth", unit: "", color: "#2fe3f0", scales: [[-0.05, 1.05]] },
  { name: "co2", label: "CO₂", unit: "mmHg", color: "#ffd23f", ticks: true, scales: [[0, 50], [0, 80]] },
  { name: "central_venous_pressure", label: "CVP", unit: "mmHg", color: "#5aa9ff", ticks: true,
    scales: [[0, 20], [0, 40]] },
  { name: "airway_flow", label: "Flow", unit: "L/s", color: "#9be7c4", ticks: true,
    scales: [[-1, 1], [-2, 2]] },
  { name: "airway_pressure", label: "Paw", unit: "cmH₂O", color: "#f2f2f2", ticks: true, whileMeasured: true,
    scales: [[0, 30], [0, 50], [0, 80]] },
  { name: "lung_volume", label: "Vol", unit: "mL", color: "#c9a2ff", ticks: true,
    scales: [[0, 800], [0, 1500], [0, 3000]] },
  ecgLead("I", "up"), ecgLead("III", "both"), ecgLead("aVR", "down"), ecgLead("aVL", "up"),
  ecgLead("aVF", "up"), ecgLead("V1", "down"), ecgLead("V5", "up"),
];

// Alarm limits come from the server (config.alarm_limits[signal]: [low, high], null: none).
// `channel`: the name a layout gives the tile (config.monitor.numerics).
export const NUMERICS = [
  { id: "hr", channel: "heart_rate", label: "HR", unit: "bpm", color: "#39ff6a", signal: "heart_rate", digits: 0 },
  { id: "abp", channel: "arterial_pressure", label: "ART", unit: "mmHg", color: "#ff4d4d", signal: "systolic_bp" },
  { id: "spo2", channel: "spo2", label: "SpO₂", unit: "%", color: "#2fe3f0", signal: "spo2", digits: 0 },
  { id: "temp", channel: "temperature", label: "Temp", unit: "°C", color: "#d9d9d9", signal: "core_temperature", digits: 1 },
  { id: "etco2", channel: "etco2", label: "EtCO₂", unit: "mmHg", color: "#ffd23f", signal: "etco2", digits: 0 },
  { id: "rr", channel: "respiratory_rate", label: "RR", unit: "/min", color: "#f2f2f2", signal: "respiratory_rate", digits: 0 },
];

const ALARM_LABELS = Object.fromEntries(NUMERICS.map((spec) => [spec.signal, spec.label]));

function fmt(value, digits = 0) {
  return Number.isFinite(value) ? value.toFixed(digits) : "--";
}

class WaveRing {
  constructor() {
    this.rateHz = 125;
    this.data = Object.fromEntries(WAVES.map((w) => [w.name, new Float32Array(RING_SIZE).fill(NaN)]));
    this.latest = null; // absolute index one past the newest sample
  }

  push(frame) {
    this.rateHz = frame.rateHz || this.rateHz;
    const start = Math.round(frame.startTimeS * this.rateHz);
    const end = start + frame.sampleCount;
    if (this.latest !== null && (start > this.latest + RING_SIZE || end < this.latest - RING_SIZE)) this.clear();
    // A gap (dropped frames) becomes NaN so the trace breaks instead of drawing stale data.
    if (this.latest !== null && start > this.latest) {
      for (const w of WAVES) for (let i = this.latest; i < start; i++) this.data[w.name][i & (RING_SIZE - 1)] = NaN;
    }
    // A channel the frame does not carry (no monitor in the session draws it) is NaN
    // there too, so a lead added to the layout later never shows samples of long ago.
    for (const w of WAVES) {
      const src = frame.channels[w.name];
      const dst = this.data[w.name];
      for (let i = 0; i < frame.sampleCount; i++) {
        dst[(start + i) & (RING_SIZE - 1)] = src ? src[i] : NaN;
      }
    }
    this.latest = this.latest === null ? end : Math.max(this.latest, end);
  }

  clear() {
    for (const w of WAVES) this.data[w.name].fill(NaN);
    this.latest = null;
  }

  at(name, index) { return this.data[name][index & (RING_SIZE - 1)]; }
}

export class Monitor {
  /** root: element with .waves and .numerics children; clockEl, bannerEl: text targets. */
  /** orderNibp(text): gives the cuff's orders (null for those who may not order). */
  constructor({ wavesEl, numericsEl, stripEl, clockEl, clockStatusEl, bannerEl, monitorEl, orderNibp }) {
    this.wavesEl = wavesEl;
    this.clockEl = clockEl;
    this.clockStatusEl = clockStatusEl;
    this.bannerEl = bannerEl;
    this.monitorEl = monitorEl;
    this.ring = new WaveRing();
    this.speed = 1;
    this.status = "running";
    this.timeS = 0;
    this.vitals = {};
    this.rhythm = null;
    this.alarms = [];
    this.limits = new AlarmLimits();
    this.sound = new MonitorSound();
    this.playIdx = null;
    this.drawnIdx = null;
    this.sweepStart = 0;
    this.sweepLen = 0;
    this.lastFrameMs = null;
    this.measured = new Set(); // the whileMeasured waves the stream has data for now
    this.buildWaves();
    this.buildNumerics(numericsEl);
    this.strip = new MonitorStrip(stripEl, this.limits, () => this.limitsChanged(), orderNibp);
    this.setLayout(config.monitor.default);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(wavesEl);
    this.resize();
    this.raf = requestAnimationFrame((t) => this.tick(t));
    this.alarmTimer = setInterval(() => this.soundAlarms(), 1000);
    this.pulseTimer = null;
  }

  get soundOn() { return this.sound.on; }

  buildWaves() {
    this.traces = WAVES.map((wave) => {
      const row = el("div", "wave-row");
      row.dataset.wave = wave.name;
      row.id = `wave-row-${wave.name}`;
      const canvas = el("canvas", "wave-canvas");
      canvas.id = `wave-${wave.name}`;
      const label = el("div", "wave-label", wave.label);
      label.style.color = wave.color;
      const scale = el("div", "wave-scale");
      scale.style.color = wave.color;
      row.append(canvas, label, scale);
      this.wavesEl.append(row);
      const trace = { wave, row, canvas, ctx: canvas.getContext("2d"), scale, scaleIndex: 0, last: null, sweepMax: -Infinity };
      this.showScale(trace);
      return trace;
    });
  }

  showScale(trace) {
    const [low, high] = trace.wave.scales[trace.scaleIndex];
    trace.scale.replaceChildren(...(trace.wave.ticks
      ? [el("span", null, high), el("span", "wave-unit", trace.wave.unit), el("span", null, low)]
      : [el("span", "wave-unit", trace.wave.unit)]));
  }

  buildNumerics(numericsEl) {
    this.tiles = {};
    for (const spec of NUMERICS) {
      const tile = el("div", `num-tile num-${spec.id}`);
      tile.style.setProperty("--tile-color", spec.color);
      const head = el("div", "num-head");
      head.append(el("span", "num-label", spec.label), el("span", "num-unit", spec.unit));
      const limits = el("div", "num-limits");
      const value = el("div", "num-value");
      value.id = `num-${spec.id}`;
      value.textContent = spec.id === "abp" ? "--/--" : "--";
      tile.append(head, limits, value);
      if (spec.id === "abp") {
        const mean = el("div", "num-sub");
        mean.id = "num-map";
        mean.textContent = "(--)";
        tile.append(mean);
      }
      numericsEl.append(tile);
      this.tiles[spec.id] = { spec, tile, value, limits };
    }
    this.showLimits();
  }

  /** Show the layout's waveforms and numerics ({waves, numerics}: channel names, in
   * order), hiding the others; the default layout of config.monitor until told. */
  setLayout(layout) {
    const { waves, numerics } = layout;
    this.layout = layout;
    const drawn = (wave) => waves.includes(wave.name) && (!wave.whileMeasured || this.measured.has(wave.name));
    this.shown = this.traces.filter((trace) => drawn(trace.wave));
    for (const trace of this.traces) {
      trace.row.hidden = !drawn(trace.wave);
      trace.row.style.order = String(waves.indexOf(trace.wave.name));
    }
    this.wavesEl.style.gridTemplateRows = `repeat(${this.shown.length}, minmax(0, 1fr))`;
    for (const { spec, tile } of Object.values(this.tiles)) {
      tile.hidden = !numerics.includes(spec.channel);
      tile.style.order = String(numerics.indexOf(spec.channel));
    }
    this.strip.showOnly(numerics);
    this.resize();
    this.drawnIdx = Math.max(this.sweepStart, (this.ring.latest ?? 0) - RING_SIZE + 1);
    for (const trace of this.traces) trace.last = null;
  }

  showLimits() {
    for (const { spec, limits } of Object.values(this.tiles)) {
      const [low, high] = this.limits.of(spec.signal);
      limits.replaceChildren(el("span", null, high ?? ""), el("span", null, low ?? ""));
      limits.title = `Alarm limits${spec.id === "abp" ? " on systolic pressure" : ""}: ${low ?? "none"}–${high ?? "none"}`;
    }
  }

  limitsChanged() {
    this.showLimits();
    this.renderNumerics();
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    let resized = false;
    for (const trace of this.shown) {
      const rect = trace.canvas.getBoundingClientRect();
      const width = Math.max(1, Math.round(rect.width * dpr));
      const height = Math.max(1, Math.round(rect.height * dpr));
      if (trace.canvas.width !== width || trace.canvas.height !== height) {
        trace.canvas.width = width;
        trace.canvas.height = height;
        resized = true;
      }
    }
    // A resized canvas is blank: redraw the current sweep from the buffer.
    if (resized && this.playIdx !== null) {
      this.drawnIdx = Math.max(this.sweepStart, this.ring.latest - RING_SIZE + 1);
      for (const trace of this.traces) trace.last = null;
    }
  }

  // ---- data in ------------------------------------------------------------------

  pushWaves(frame) {
    this.ring.push(frame);
    this.noteMeasured(frame);
    if (this.playIdx === null || this.ring.latest - this.playIdx > RING_SIZE / 2) {
      this.playIdx = Math.max(this.ring.latest - frame.sampleCount * 2, 0);
      this.drawnIdx = Math.floor(this.playIdx);
      this.sweepStart = this.drawnIdx;
      this.sweepLen = this.currentSweepLen();
      for (const trace of this.traces) trace.last = null;
    }
  }

  /** Show or hide the whileMeasured waves as the newest frame has their data or not. */
  noteMeasured(frame) {
    let changed = false;
    for (const wave of WAVES.filter((w) => w.whileMeasured)) {
      const samples = frame.channels[wave.name];
      const has = Boolean(samples?.length) && Number.isFinite(samples[samples.length - 1]);
      if (has !== this.measured.has(wave.name)) {
        if (has) this.measured.add(wave.name); else this.measured.delete(wave.name);
        changed = true;
      }
    }
    if (changed) this.setLayout(this.layout);
  }

  /** rhythm: the engine's rhythm name (the monitor alarms only on those it can tell). */
  setVitals(vitals, timeS, rhythm) {
    Object.assign(this.vitals, vitals);
    if (rhythm !== undefined) this.rhythm = rhythm;
    if (Number.isFinite(timeS)) this.timeS = timeS;
    this.renderNumerics();
    this.strip.update(this.vitals);
    if (this.playIdx === null) this.renderClock(this.timeS);
  }

  showNibp(nibp) { this.strip.showNibp(nibp); }

  setClock({ status, speed, time_s: timeS }) {
    if (status) this.status = status;
    if (Number.isFinite(speed)) this.speed = speed;
    if (Number.isFinite(timeS)) this.timeS = timeS;
    this.clockStatusEl.textContent = this.status === "running"
      ? (this.speed !== 1 ? `${this.speed}×` : "") : this.status.toUpperCase();
    this.clockStatusEl.dataset.status = this.status;
    this.clockStatusEl.title = this.speed > 1
      ? `Simulation at ${this.speed}× real time; each sweep shows ${SWEEP_WALL_S} s of waveform at its real pace`
      : "";
    if (this.playIdx === null) this.renderClock(this.timeS);
    this.renderNumerics();
  }

  // ---- numerics and alarms ------------------------------------------------------

  renderNumerics() {
    const v = this.vitals;
    for (const { spec, value } of Object.values(this.tiles)) {
      if (spec.id === "abp") {
        value.textContent = `${fmt(v.systolic_bp)}/${fmt(v.diastolic_bp)}`;
        document.getElementById("num-map").textContent = `(${fmt(v.mean_arterial_pressure)})`;
      } else {
        value.textContent = fmt(v[spec.signal], spec.digits);
      }
    }
    // An ended session is no patient any more: nothing alarms.
    const over = this.status === "ended" || this.status === "errored";
    const alarms = over ? [] : evaluate(v, this.rhythm, this.limits, ALARM_LABELS);
    for (const { spec, tile } of Object.values(this.tiles)) {
      const alarm = alarms.find((a) => a.signal === spec.signal);
      tile.classList.toggle("alarm", Boolean(alarm));
      tile.dataset.priority = alarm?.priority ?? "";
    }
    this.alarms = alarms;
    this.renderBanner(over);
    this.monitorEl.classList.toggle("alarming", alarms.length > 0);
    this.monitorEl.dataset.alarmPriority = alarms[0]?.priority ?? "";
    this.monitorEl.dataset.over = String(over);
    this.monitorEl.dataset.rhythmAlarm = config.rhythm_alarms?.[this.rhythm] ?? "";
  }

  renderBanner(over = this.status === "ended" || this.status === "errored") {
    const silenced = this.sound.silencedFor(performance.now());
    const texts = this.alarms.map((a) => a.text);
    const pause = silenced > 0 && texts.length ? `SILENCED ${formatClock(silenced).slice(4)} · ` : "";
    this.bannerEl.textContent = over ? `Session ${this.status}` : pause + texts.join("  ·  ");
    this.bannerEl.title = texts.join(", ");
    this.monitorEl.dataset.silenced = String(silenced > 0);
  }

  enableSound(on) {
    this.sound.enable(on);
    if (on) this.soundAlarms();
    this.schedulePulse();
  }

  /** Pause the alarms' sound for two minutes (they still show). */
  silence() {
    this.sound.silence(performance.now());
    this.renderBanner();
  }

  soundAlarms() {
    this.sound.alarm(this.alarms, performance.now());
    this.monitorEl.dataset.lastSound = this.sound.lastPlayed ?? "";
    this.renderBanner();
  }

  /** The pulse tone at the patient's own heart rate, while the sound is on. */
  schedulePulse() {
    clearTimeout(this.pulseTimer);
    if (!this.sound.on) return;
    const rate = this.vitals.heart_rate;
    const beating = this.status === "running" && Number.isFinite(rate) && rate > 0;
    if (beating) this.sound.beat(this.vitals.spo2);
    this.pulseTimer = setTimeout(() => this.schedulePulse(), beating ? Math.max(60000 / rate, 250) : 1000);
  }

  renderClock(timeS) {
    const text = formatClock(timeS);
    if (this.clockEl.textContent !== text) this.clockEl.textContent = text;
  }

  // ---- waveforms ----------------------------------------------------------------

  currentSweepLen() {
    return Math.round(SWEEP_WALL_S * this.ring.rateHz);
  }

  tick(nowMs) {
    this.raf = requestAnimationFrame((t) => this.tick(t));
    const dtS = this.lastFrameMs === null ? 0 : Math.min((nowMs - this.lastFrameMs) / 1000, 0.25);
    this.lastFrameMs = nowMs;
    if (this.playIdx === null || this.ring.latest === null) return;
    const rate = this.ring.rateHz;
    const running = this.status === "running";
    if (this.speed > 1) { this.sampledSweep(dtS, running); return; }
    // Feed-forward at the simulation speed, plus a gentle pull towards the target lag
    // so jitter in frame arrival never empties the buffer.
    const lag = TARGET_LAG_WALL_S * rate * Math.max(1, this.speed);
    const error = (this.ring.latest - lag) - this.playIdx;
    let advance = running ? dtS * rate * this.speed : 0;
    advance += error * Math.min(1, dtS * 1.5);
    this.playIdx = Math.min(this.playIdx + Math.max(advance, 0), this.ring.latest);
    this.renderClock(this.playIdx / rate);
    this.draw(Math.floor(this.playIdx));
  }

  /** Above 1x: play each sweep at the waveform's real pace, then start the next at the
   * newest data (the simulation ran ahead meanwhile). */
  sampledSweep(dtS, running) {
    const rate = this.ring.rateHz;
    const end = this.sweepStart + this.sweepLen;
    let next = this.playIdx + (running ? dtS * rate : 0);
    if (next >= end) {
      this.draw(end);
      const newest = Math.floor(this.ring.latest - TARGET_LAG_WALL_S * rate);
      this.newSweep(Math.max(end, newest));
      this.drawnIdx = this.sweepStart;
      next = this.sweepStart + (next - end);
    }
    this.playIdx = Math.min(next, this.ring.latest);
    this.renderClock(this.timeS);
    this.draw(Math.floor(this.playIdx));
  }

  draw(target) {
    if (target <= this.drawnIdx) return;
    const dpr = window.devicePixelRatio || 1;
    const gap = Math.round(ERASE_GAP_CSS_PX * dpr);
    for (const trace of this.shown) {
      trace.ctx.lineWidth = Math.max(1.5, 1.6 * dpr);
      trace.ctx.lineJoin = "round";
      trace.ctx.strokeStyle = trace.wave.color;
    }
    let idx = this.drawnIdx;
    while (idx < target) {
      if (idx >= this.sweepStart + this.sweepLen) this.newSweep();
      const sweepEnd = this.sweepStart + this.sweepLen;
      for (const trace of this.shown) {
        const width = trace.canvas.width;
        const col = Math.floor(((idx - this.sweepStart) * width) / this.sweepLen);
        const colEnd = Math.min(target, sweepEnd,
          this.sweepStart + Math.ceil(((col + 1) * this.sweepLen) / width));
        this.drawColumn(trace, col, idx, Math.max(colEnd, idx + 1), gap);
      }
      // Advance by the narrowest canvas's column so every trace sees every sample.
      const minWidth = Math.min(...this.shown.map((t) => t.canvas.width));
      const col = Math.floor(((idx - this.sweepStart) * minWidth) / this.sweepLen);
      idx = Math.max(idx + 1, Math.min(target, sweepEnd,
        this.sweepStart + Math.ceil(((col + 1) * this.sweepLen) / minWidth)));
    }
    this.drawnIdx = target;
  }

  newSweep(startAt = this.sweepStart + this.sweepLen) {
    this.sweepStart = startAt;
    this.sweepLen = this.currentSweepLen();
    for (const trace of this.traces) {
      trace.last = null;
      // Rescale pressure and CO2 at the start of a sweep only, so one sweep is one scale.
      const scales = trace.wave.scales;
      if (scales.length > 1 && Number.isFinite(trace.sweepMax)) {
        const fit = scales.findIndex(([, high]) => trace.sweepMax <= high * 0.95);
        const next = fit === -1 ? scales.length - 1 : fit;
        if (next !== trace.scaleIndex) { trace.scaleIndex = next; this.showScale(trace); }
      }
      trace.sweepMax = -Infinity;
    }
  }

  drawColumn(trace, col, from, to, gap) {
    const { ctx, canvas, wave } = trace;
    const [low, high] = wave.scales[trace.scaleIndex];
    const pad = Math.round(canvas.height * 0.08);
    const span = canvas.height - 2 * pad;
    const y = (v) => {
      const clamped = Math.min(Math.max(v, low), high);
      return canvas.height - pad - ((clamped - low) / (high - low)) * span;
    };
    let min = Infinity;
    let max = -Infinity;
    let first = null;
    let last = null;
    for (let i = from; i < to; i++) {
      const v = this.ring.at(wave.name, i);
      if (Number.isNaN(v)) { if (first === null) trace.last = null; continue; }
      if (first === null) first = v;
      last = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    ctx.clearRect(col + 1, 0, gap, canvas.height);
    if (col === 0) ctx.clearRect(0, 0, 1, canvas.height);
    if (first === null) { trace.last = null; return; }
    if (max > trace.sweepMax) trace.sweepMax = max;
    ctx.beginPath();
    if (trace.last && trace.last.col <= col) {
      ctx.moveTo(trace.last.col + 0.5, y(trace.last.value));
      ctx.lineTo(col + 0.5, y(first));
    } else {
      ctx.moveTo(col + 0.5, y(first));
    }
    ctx.moveTo(col + 0.5, y(min));
    ctx.lineTo(col + 0.5, y(max));
    ctx.stroke();
    trace.last = { col, value: last };
  }

  destroy() {
    cancelAnimationFrame(this.raf);
    clearInterval(this.alarmTimer);
    clearTimeout(this.pulseTimer);
    this.resizeObserver.disconnect();
    this.sound.close();
    this.wavesEl.replaceChildren();
  }
}
