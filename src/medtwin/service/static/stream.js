// The live stream of one session: JSON text messages and binary waveform frames.

import { auth, renewToken } from "./api.js";
import { config } from "./config.js";

const HEADER_BYTES = 20; // uint32 channel_mask, uint32 sample_count, float64 start, float32 rate

/** The channels of a frame's mask: bit i is config.waveforms.channels[i]. */
function maskChannels(mask) {
  const known = config.waveforms.channels;
  if (mask === 0) throw new Error("channel_mask = 0: a frame carries at least one channel");
  if (mask >>> known.length) {
    const hex = mask.toString(16);
    throw new Error(`channel_mask = 0x${hex} names channels past the ${known.length} there are`);
  }
  return known.filter((_, bit) => (mask >>> bit) & 1);
}

/** Decode one binary frame: {startTimeS, rateHz, sampleCount, channels: {name: Float32Array}},
 * carrying the channels its mask names (docs/service-api.md). */
export function decodeWaveFrame(buffer) {
  const size = buffer.byteLength;
  if (size < HEADER_BYTES) throw new Error(`frame of ${size} bytes: shorter than its header`);
  const view = new DataView(buffer);
  const names = maskChannels(view.getUint32(0, true));
  const sampleCount = view.getUint32(4, true);
  const startTimeS = view.getFloat64(8, true);
  const rateHz = view.getFloat32(16, true);
  const expected = HEADER_BYTES + names.length * sampleCount * 4;
  if (size !== expected) throw new Error(`waveform frame of ${size} bytes, expected ${expected}`);
  const channels = {};
  names.forEach((name, c) => {
    const samples = new Float32Array(sampleCount);
    const base = HEADER_BYTES + c * sampleCount * 4;
    for (let i = 0; i < sampleCount; i++) samples[i] = view.getFloat32(base + i * 4, true);
    channels[name] = samples;
  });
  return { startTimeS, rateHz, sampleCount, channels };
}

/**
 * Keep a WebSocket open to /ws/sessions/{id}, reconnecting after drops until closed.
 * handlers: onMessage(jsonObject), onWaves(frame), onState("open" | "closed" | ...).
 */
export class SessionStream {
  constructor(sessionId, handlers) {
    this.sessionId = sessionId;
    this.handlers = handlers;
    this.socket = null;
    this.closedByUs = false;
    this.retryMs = 500;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${location.host}/ws/sessions/${encodeURIComponent(this.sessionId)}`;
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.handlers.onState?.("connecting");
    socket.onopen = () => {
      this.renewed = false;
      // The token goes in the first message, never in the URL (servers log URLs).
      socket.send(JSON.stringify({ type: "auth", token: auth.token }));
      this.handlers.onState?.("live");
    };
    socket.onmessage = (message) => {
      if (typeof message.data === "string") {
        let data;
        try { data = JSON.parse(message.data); } catch { return; }
        if (data.type === "snapshot") this.retryMs = 500; // accepted: back off afresh
        this.handlers.onMessage?.(data);
      } else {
        try { this.handlers.onWaves?.(decodeWaveFrame(message.data)); } catch (error) { console.warn(error); }
      }
    };
    socket.onclose = (event) => {
      if (this.closedByUs) return;
      // 4000 + HTTP status is the server refusing us (bad token, not a participant):
      // retrying cannot help. Anything else, including "client too slow", reconnects,
      // backing off (a refused handshake, HTTP 429, arrives here as 1006).
      // An expired access token (4401) is renewed once, then the stream reconnects.
      if (event.code === 4401 && !this.renewed) {
        this.renewed = true;
        renewToken().then((ok) => {
          if (ok && !this.closedByUs) this.connect();
          else this.handlers.onState?.("refused");
        });
        return;
      }
      // 4429: this user opened streams too fast; the server allows one every 5 s.
      if (event.code === 4429) this.retryMs = Math.max(this.retryMs, 5000);
      else if (event.code >= 4000 && event.code < 5000) {
        this.handlers.onState?.("refused");
        return;
      }
      this.handlers.onState?.("reconnecting");
      setTimeout(() => { if (!this.closedByUs) this.connect(); }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30000);
    };
  }

  /** Send a JSON message (order or clock change); false if the socket is not open. */
  send(message) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  close() {
    this.closedByUs = true;
    this.socket?.close();
  }
}
