// A chart of lines with uncertainty bands and observed points, on a canvas.
//
// Each series is { label, color, x: [...], mean: [...], low: [...], high: [...],
// points: [{ x, y, filled }] }; x is any number (seconds, or milliseconds of wall
// time), shown by `formatX`. The y range covers every band and accepted (filled) point,
// padded; a refused point outside it (an artefact of 400 /min) is drawn at its edge.

import { canvasContext } from "./format.js";

const MARGIN = { left: 40, right: 10, top: 18, bottom: 18 };

export class BandChart {
  constructor(canvas, { title, unit, formatX, minSpan = 10 }) {
    this.canvas = canvas;
    this.title = title;
    this.unit = unit;
    this.formatX = formatX;
    this.minSpan = minSpan;
    this.series = [];
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(canvas);
  }

  setSeries(series) {
    this.series = series;
    this.draw();
  }

  range() {
    const xs = [];
    const ys = [];
    for (const s of this.series) {
      xs.push(...s.x, ...(s.points ?? []).map((p) => p.x));
      ys.push(...s.low, ...s.high, ...s.mean, ...(s.points ?? []).filter((p) => p.filled).map((p) => p.y));
    }
    const finiteXs = xs.filter(Number.isFinite);
    const finiteYs = ys.filter(Number.isFinite);
    if (!finiteXs.length || !finiteYs.length) return null;
    let [low, high] = [Math.min(...finiteYs), Math.max(...finiteYs)];
    const pad = Math.max((high - low) * 0.1, this.minSpan / 2);
    low -= pad;
    high += pad;
    return { x0: Math.min(...finiteXs), x1: Math.max(...finiteXs), low, high };
  }

  draw() {
    const sized = canvasContext(this.canvas);
    if (!sized) return;
    const { ctx, w, h } = sized;
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#c9d1d9";
    ctx.textAlign = "left";
    ctx.fillText(`${this.title} (${this.unit})`, MARGIN.left, 12);
    const range = this.range();
    if (!range) return;
    const span = Math.max(range.x1 - range.x0, 1e-9);
    const x = (v) => MARGIN.left + ((v - range.x0) / span) * (w - MARGIN.left - MARGIN.right);
    const y = (v) => MARGIN.top + (1 - (v - range.low) / (range.high - range.low))
      * (h - MARGIN.top - MARGIN.bottom);
    this.axes(ctx, range, x, y, w, h);
    for (const s of this.series) this.drawSeries(ctx, s, x, y, h);
  }

  axes(ctx, range, x, y, w, h) {
    ctx.strokeStyle = "#26313d";
    ctx.fillStyle = "#7f8c99";
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    for (let k = 0; k <= 4; k++) {
      const v = range.low + ((range.high - range.low) * k) / 4;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y(v));
      ctx.lineTo(w - MARGIN.right, y(v));
      ctx.stroke();
      ctx.fillText(v.toFixed(range.high - range.low < 10 ? 1 : 0), MARGIN.left - 4, y(v) + 3);
    }
    ctx.textAlign = "center";
    for (let k = 0; k <= 3; k++) {
      const v = range.x0 + ((range.x1 - range.x0) * k) / 3;
      ctx.fillText(this.formatX(v), Math.min(Math.max(x(v), MARGIN.left + 20), w - 30), h - 4);
    }
  }

  drawSeries(ctx, s, x, y, h) {
    const ok = (i) => Number.isFinite(s.low[i]) && Number.isFinite(s.high[i]);
    ctx.fillStyle = `${s.color}33`;
    ctx.beginPath();
    const kept = s.x.map((_, i) => i).filter(ok);
    kept.forEach((i, k) => (k ? ctx.lineTo(x(s.x[i]), y(s.high[i])) : ctx.moveTo(x(s.x[i]), y(s.high[i]))));
    for (const i of kept.slice().reverse()) ctx.lineTo(x(s.x[i]), y(s.low[i]));
    ctx.closePath();
    if (kept.length > 1) ctx.fill();
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    let pen = false;
    s.mean.forEach((v, i) => {
      if (!Number.isFinite(v)) { pen = false; return; }
      if (pen) ctx.lineTo(x(s.x[i]), y(v)); else ctx.moveTo(x(s.x[i]), y(v));
      pen = true;
    });
    ctx.stroke();
    const [top, bottom] = [MARGIN.top, h - MARGIN.bottom];
    for (const p of s.points ?? []) {
      if (!Number.isFinite(p.y)) continue;
      ctx.beginPath();
      ctx.arc(x(p.x), Math.min(Math.max(y(p.y), top), bottom), 3, 0, 2 * Math.PI);
      if (p.filled) { ctx.fillStyle = "#ffffff"; ctx.fill(); } else { ctx.strokeStyle = "#ff6b6b"; ctx.stroke(); }
    }
  }

  destroy() { this.resizeObserver.disconnect(); }
}
