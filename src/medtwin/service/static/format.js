// Small display helpers shared by the views.

import { config } from "./config.js";

/** Simulated seconds as h:mm:ss (hours grow past 24 rather than wrap). */
export function formatClock(seconds) {
  const total = Math.max(0, Math.floor(seconds ?? 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

/** Create an element with a class and text, without ever parsing HTML from the server. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A patient as a clinician would say it: a real patient by name, then "Woman · 67 y ·
 * 156 cm · 68 kg"; a library or custom patient without the id of its file. */
export function describePatient(patient) {
  if (typeof patient === "string") return patient;
  if (!patient) return "";
  const sex = { male: "Man", female: "Woman" }[patient.sex] ?? patient.sex;
  const fileId = (config.patients ?? []).some((p) => p.name === patient.name) || /^custom/.test(patient.name ?? "");
  const parts = [!fileId && patient.name, sex, patient.age_years && `${patient.age_years} y`,
    patient.height_cm && `${patient.height_cm} cm`, patient.weight_kg && `${patient.weight_kg} kg`];
  return parts.filter(Boolean).join(" · ");
}

/** The canvas's 2-D context scaled to its CSS size on this screen's pixel ratio, with
 * that size (`w`, `h` in CSS pixels); null while the canvas is not laid out. */
export function canvasContext(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  if (rect.width === 0) return null;
  canvas.width = Math.round(rect.width * dpr);
  canvas.height = Math.round(rect.height * dpr);
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  return { ctx, w: rect.width, h: rect.height };
}
