// Alarms as IEC 60601-1-8 has them: three priorities (high: red, fast flashing, a
// burst of ten pulses; medium: yellow, slow flashing, three pulses; low: cyan, steady,
// one pulse), limits the user may change, an audio pause ("silence") of two minutes,
// and the pulse oximeter's beat tone whose pitch falls with the saturation.

import { config } from "./config.js";

export const SILENCE_S = 120; // IEC 60601-1-8 audio paused: at most the limit set; 2 min is usual
const BURST_EVERY_S = { high: 5, medium: 10, low: 20 }; // within the standard's 2.5-30 s
const PULSES = {
  high: [0, 0.15, 0.3, 0.75, 0.9, 1.6, 1.75, 1.9, 2.35, 2.5], // 3 + 2, twice
  medium: [0, 0.2, 0.4],
  low: [0],
};
const PITCH = { high: 988, medium: 660, low: 523 };
const RANK = { high: 3, medium: 2, low: 1 };

/** The alarm limits in force: the server's teaching defaults until the user sets others. */
export class AlarmLimits {
  constructor() {
    this.limits = Object.fromEntries(Object.entries(config.alarm_limits).map(([k, v]) => [k, [...v]]));
  }

  of(signal) { return this.limits[signal] ?? [null, null]; }

  /** Set a signal's limits; an error text if they make no sense, else null. */
  set(signal, low, high) {
    if (low !== null && high !== null && !(low < high)) return `the low limit (${low}) must be under the high (${high})`;
    this.limits[signal] = [low, high];
    return null;
  }
}

function outside(value, [low, high]) {
  if (value === undefined || value === null || !Number.isFinite(value)) return null;
  if (low !== null && value < low) return "LOW";
  if (high !== null && value > high) return "HIGH";
  return null;
}

/** The alarms of these vitals: [{signal, priority, state, text}], highest priority first. */
export function evaluate(vitals, rhythm, limits, labels) {
  const alarms = [];
  const rhythmAlarm = config.rhythm_alarms?.[rhythm] ?? null;
  if (rhythmAlarm) alarms.push({ signal: "heart_rate", priority: "high", state: "RHYTHM", text: `*** ${rhythmAlarm}` });
  for (const [signal, label] of Object.entries(labels)) {
    const value = vitals[signal];
    const state = outside(value, limits.of(signal));
    if (!state) continue;
    const crisis = outside(value, config.high_priority_limits?.[signal] ?? [null, null]);
    const priority = crisis ? "high" : "medium";
    const marks = priority === "high" ? "***" : "**";
    alarms.push({ signal, priority, state, text: `${marks} ${label} ${state === "HIGH" ? "▲" : "▼"} ${Math.round(value)}` });
  }
  return alarms.sort((a, b) => RANK[b.priority] - RANK[a.priority]);
}

/** The monitor's sounds: alarm bursts by priority, and the pulse tone. */
export class MonitorSound {
  constructor() {
    this.on = false;
    this.audio = null;
    this.silencedUntilMs = 0;
    this.lastBurstMs = {};
    this.lastPlayed = null;
  }

  enable(on) {
    this.on = on;
    if (on && !this.audio) this.audio = new AudioContext();
    if (on) this.audio.resume();
  }

  silence(nowMs) { this.silencedUntilMs = nowMs + SILENCE_S * 1000; }

  silencedFor(nowMs) { return Math.max(0, (this.silencedUntilMs - nowMs) / 1000); }

  /** Called about once a second with the alarms now: sounds the highest one when due. */
  alarm(alarms, nowMs) {
    if (!alarms.length || this.silencedFor(nowMs) > 0) return;
    const { priority } = alarms[0];
    if (nowMs - (this.lastBurstMs[priority] ?? -Infinity) < BURST_EVERY_S[priority] * 1000) return;
    this.lastBurstMs[priority] = nowMs;
    this.lastPlayed = priority;
    if (this.on && this.audio) this.tones(PULSES[priority], PITCH[priority], 0.12, 0.22);
  }

  /** One beat of the pulse tone: a semitone lower for each percent of saturation lost. */
  beat(spo2) {
    if (!this.on || !this.audio || !Number.isFinite(spo2)) return;
    const pitch = 880 * 2 ** ((Math.max(spo2, 50) - 100) / 12);
    this.tones([0], pitch, 0.06, 0.12);
    this.lastPlayed = "pulse";
  }

  tones(offsets, frequency, length, volume) {
    const now = this.audio.currentTime;
    for (const offset of offsets) {
      const osc = this.audio.createOscillator();
      const gain = this.audio.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(volume, now + offset + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + length);
      osc.connect(gain).connect(this.audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + length + 0.02);
    }
  }

  close() { this.audio?.close(); }
}
