// 12-lead ECGs: the list of a session's recordings (the server's `twelve_lead`
// messages, or the debrief's `twelve_leads`) and the printed report of one, drawn as a
// 12-lead machine prints it: four columns of 2.5 s (I-III, aVR-aVF, V1-V3, V4-V6) over a
// 10 s rhythm strip of lead II, at 25 mm/s and 10 mm/mV on millimetre paper.

import { canvasContext, el, formatClock } from "./format.js";

const GRID = [["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"]];
const RHYTHM_LEAD = "II";
const MM_PER_S = 25; // paper speed
const MM_PER_MV = 10; // gain
const ROW_MM = 30; // each row spans ±1.5 mV

/** Draw `recording` on `canvas` (sized by CSS): the 4×3 grid and the rhythm strip. */
export function drawTwelveLead(canvas, recording) {
  const sized = canvasContext(canvas);
  if (!sized) return;
  const { ctx, w } = sized;
  const pxPerMm = w / (recording.seconds * MM_PER_S);
  const rows = GRID.length + 1;
  paper(ctx, w, rows * ROW_MM * pxPerMm, pxPerMm);
  const perColumn = recording.seconds / GRID[0].length;
  const pxPerSample = (MM_PER_S * pxPerMm) / recording.rate_hz;
  const trace = (lead, fromS, toS, row) => {
    const values = recording.leads[lead] ?? [];
    const first = Math.round(fromS * recording.rate_hz);
    const last = Math.min(values.length, Math.round(toS * recording.rate_hz));
    const baseline = (row + 0.5) * ROW_MM * pxPerMm;
    ctx.beginPath();
    let drawing = false; // a missing sample breaks the trace
    for (let i = first; i < last; i += 1) {
      const v = values[i];
      if (!Number.isFinite(v)) { drawing = false; continue; }
      const x = i * pxPerSample;
      const y = baseline - v * MM_PER_MV * pxPerMm;
      if (drawing) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      drawing = true;
    }
    ctx.stroke();
    ctx.fillText(lead, first * pxPerSample + 4, baseline - (ROW_MM / 2 - 4) * pxPerMm);
  };
  ctx.strokeStyle = "#111";
  ctx.fillStyle = "#111";
  ctx.lineWidth = 1.2;
  ctx.font = "12px system-ui, sans-serif";
  GRID.forEach((leads, row) => leads.forEach((lead, column) => {
    trace(lead, column * perColumn, (column + 1) * perColumn, row);
  }));
  trace(RHYTHM_LEAD, 0, recording.seconds, GRID.length);
}

/** Millimetre paper: thin lines every mm, thick every 5 mm. */
function paper(ctx, w, h, pxPerMm) {
  ctx.fillStyle = "#fff8f6";
  ctx.fillRect(0, 0, w, h);
  for (const [every, colour, width] of [[1, "#f6d2cc", 0.5], [5, "#eba59b", 1]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    for (let x = 0; x <= w + 0.5; x += every * pxPerMm) { ctx.moveTo(x, 0); ctx.lineTo(x, h); }
    for (let y = 0; y <= h + 0.5; y += every * pxPerMm) { ctx.moveTo(0, y); ctx.lineTo(w, y); }
    ctx.stroke();
  }
}

/** A session's 12-lead ECGs: a button per recording that opens its report in a dialog. */
export class TwelveLeadList {
  /** `dialogEl`: the <dialog> with #twelve-lead-canvas, #twelve-lead-heading,
   * #twelve-lead-sources and #twelve-lead-close. */
  constructor(listEl, dialogEl) {
    this.listEl = listEl;
    this.dialogEl = dialogEl;
    this.closeEl = dialogEl.querySelector("#twelve-lead-close");
    this.onClose = () => dialogEl.close();
    this.closeEl.addEventListener("click", this.onClose);
    this.reset([]);
  }

  reset(recordings) {
    this.recordings = [];
    this.listEl.replaceChildren(el("li", "muted small", "None recorded."));
    for (const recording of recordings) this.add(recording);
  }

  add(recording) {
    if (!this.recordings.length) this.listEl.replaceChildren();
    this.recordings.push(recording);
    const item = el("li", "twelve-lead-item");
    const view = el("button", "btn tiny", `View ${formatClock(recording.time_s)}`);
    view.type = "button";
    view.dataset.timeS = String(recording.time_s);
    view.addEventListener("click", () => this.open(recording));
    item.append(view, el("span", "muted small", recording.rhythm ?? ""));
    this.listEl.append(item);
  }

  open(recording) {
    const heading = this.dialogEl.querySelector("#twelve-lead-heading");
    heading.textContent = `12-lead ECG from ${formatClock(recording.time_s)} · ${recording.rhythm ?? ""}`
      + ` · ${MM_PER_S} mm/s · ${MM_PER_MV} mm/mV`;
    const sources = this.dialogEl.querySelector("#twelve-lead-sources");
    sources.replaceChildren(...recording.sources.map((text) => el("li", null, text)));
    if (!this.dialogEl.open) this.dialogEl.showModal();
    drawTwelveLead(this.dialogEl.querySelector("#twelve-lead-canvas"), recording);
  }

  destroy() {
    this.closeEl.removeEventListener("click", this.onClose);
    if (this.dialogEl.open) this.dialogEl.close();
    this.listEl.replaceChildren();
  }
}
