// Wiring: which view is shown, and the live session that ties monitor, orders and console.

import { api, auth } from "./api.js";
import { config, loadConfig } from "./config.js";
import { SessionStream } from "./stream.js";
import { Monitor } from "./monitor.js";
import { OrderPanel, EventLog } from "./orders.js";
import { InstructorConsole, TrendPlot } from "./console.js";
import { CaseConsole, showHandover } from "./case.js";
import { DebriefView } from "./debrief.js";
import { TeamChannel } from "./team.js";
import { LayoutForm } from "./layout-form.js";
import { TwelveLeadList } from "./twelve-lead.js";
import { el, describePatient, formatClock } from "./format.js";

const $ = (id) => document.getElementById(id);
const CURRENT_KEY = "medtwin.session";

function showView(name) {
  for (const view of ["login", "lobby", "session", "debrief"]) $(`view-${view}`).hidden = view !== name;
  const loggedIn = Boolean(auth.token);
  $("whoami").textContent = loggedIn ? auth.username : "";
  $("logout").hidden = !loggedIn;
  $("leave-session").hidden = name !== "session" && name !== "debrief";
  if (name !== "session") $("session-title").textContent = "";
  document.body.dataset.view = name;
}

function say(id, kind, text) {
  $(id).className = `message ${kind}`;
  $(id).textContent = text;
}

// ---- log in / register ------------------------------------------------------------

async function logIn() {
  const username = $("login-username").value.trim();
  const password = $("login-password").value;
  try {
    await api.login(username, password);
    say("login-message", "", "");
    enterLobby();
  } catch (error) {
    say("login-message", "error", error.status === 401 ? "Wrong username or password." : error.detail);
  }
}

async function register() {
  const form = $("login-form");
  if (!form.reportValidity()) return;
  const username = $("login-username").value.trim();
  const password = $("login-password").value;
  try {
    await api.register(username, password);
    await api.login(username, password);
    enterLobby();
  } catch (error) {
    say("login-message", "error", error.status === 409 ? `The name “${username}” is taken.` : error.detail);
  }
}

// ---- lobby ------------------------------------------------------------------------

function patientFromForm() {
  const choice = $("create-patient").value;
  if (choice !== "custom") return choice;
  return {
    name: "custom",
    sex: $("custom-sex").value,
    age_years: Number($("custom-age").value),
    height_cm: Number($("custom-height").value),
    weight_kg: Number($("custom-weight").value),
  };
}

let cases = [];

async function listCases() {
  if (cases.length) return;
  try { cases = await api.cases(); } catch { return; }
  const select = $("create-case");
  for (const item of cases) {
    const option = el("option", null, `${item.title} (${Math.round(item.duration_s / 60)} min)`);
    option.value = item.name;
    select.append(option);
  }
}

function showBriefing() {
  const chosen = cases.find((item) => item.name === $("create-case").value);
  $("case-briefing").hidden = !chosen;
  $("create-patient-label").hidden = Boolean(chosen);
  $("custom-patient").hidden = Boolean(chosen) || $("create-patient").value !== "custom";
  if (!chosen) return;
  $("briefing-summary").textContent = chosen.summary;
  $("briefing-meta").textContent = `${describePatient(chosen.patient)} · difficulty ${chosen.difficulty}/5 · `
    + `${Math.round(chosen.duration_s / 60)} min · for ${chosen.audience.join(", ")}`;
  $("briefing-objectives").replaceChildren(...chosen.objectives.map((text) => el("li", null, text)));
  $("briefing-handover").textContent = chosen.handover;
  $("briefing-events").replaceChildren(...(chosen.events.length
    ? chosen.events.map((e) => el("li", null, `${e.name.replaceAll("_", " ")}: ${e.text}`))
    : [el("li", "muted", "None: the case runs by itself.")]));
  if (!$("create-title").value.trim()) $("create-title").value = chosen.title;
}

async function createSession() {
  const title = $("create-title").value.trim();
  if (!title) { say("create-message", "error", "Give the session a title."); return; }
  const caseName = $("create-case").value;
  try {
    const session = caseName
      ? await api.createCaseSession(title, caseName)
      : await api.createSession(title, patientFromForm());
    say("create-message", "", "");
    enterSession(session);
  } catch (error) {
    say("create-message", "error", error.detail);
  }
}

async function joinSession() {
  const code = $("join-code").value.trim().toUpperCase();
  try {
    const session = await api.joinSession(code, $("join-role").value);
    say("join-message", "", "");
    enterSession(session);
  } catch (error) {
    say("join-message", "error", error.status === 404 ? `No session has the code ${code}.` : error.detail);
  }
}

async function enterLobby() {
  leaveSession();
  sessionStorage.removeItem(CURRENT_KEY);
  showView("lobby");
  listCases();
  try {
    const sessions = await api.mySessions();
    const list = $("my-sessions");
    if (!sessions?.length) { list.replaceChildren(el("li", "muted", "None yet.")); return; }
    list.replaceChildren(...sessions.slice().reverse().map((session) => {
      const item = el("li", "session-item");
      const over = session.status === "ended" || session.status === "errored";
      const open = el("button", "btn tiny", over ? "Debrief" : "Open");
      open.addEventListener("click", () => (over ? enterDebrief(session) : enterSession(session)));
      item.append(
        el("span", "session-name", session.title),
        el("span", "muted small", `${session.code} · ${session.role ?? ""} · ${session.status}`),
        open,
      );
      return item;
    }));
  } catch (error) {
    if (error.status === 401) { auth.clear(); showView("login"); }
  }
}

// ---- live session -----------------------------------------------------------------

let live = null;
let debrief = null;

async function enterDebrief(session) {
  leaveSession();
  sessionStorage.removeItem(CURRENT_KEY);
  showView("debrief");
  $("session-title").textContent = session.title ?? "";
  debrief ??= new DebriefView();
  try {
    await debrief.show(session.id);
  } catch (error) {
    debrief.say("error", error.detail ?? error.message);
  }
}

function leaveSession() {
  if (!live) return;
  live.stream.close();
  live.monitor.destroy();
  live.orders?.destroy();
  live.console?.destroy();
  live.team.destroy();
  live.learnerTrend?.destroy();
  live.layoutForm?.destroy();
  live.twelveLeads.destroy();
  live = null;
}

function enterSession(session) {
  leaveSession();
  sessionStorage.setItem(CURRENT_KEY, JSON.stringify({ id: session.id, role: session.role, code: session.code }));
  showView("session");
  const role = session.role ?? "observer";
  document.body.dataset.role = role;
  $("session-title").textContent = session.title ?? "";
  $("monitor-patient").textContent = describePatient(session.patient);
  $("orders-panel").hidden = role === "observer";
  $("console-panel").hidden = role !== "instructor";
  $("view-session").dataset.role = role;

  $("numerics").replaceChildren();
  $("sound-toggle").setAttribute("aria-pressed", "false");
  $("sound-toggle").textContent = "Sound on";
  const monitor = new Monitor({
    wavesEl: $("waves"), numericsEl: $("numerics"), stripEl: $("monitor-strip"),
    clockEl: $("sim-clock"), clockStatusEl: $("clock-status"),
    bannerEl: $("alarm-banner"), monitorEl: $("monitor"),
    orderNibp: role === "observer" ? null : (text) => api.order(session.id, text),
  });
  monitor.setClock(session);
  const log = new EventLog($("event-log"));
  const orders = role === "observer" ? null : new OrderPanel({
    formEl: $("order-form"), inputEl: $("order-input"), datalistEl: $("order-examples"),
    chipsEl: $("order-chips"), messageEl: $("order-message"),
    searchEl: $("catalog-search"), catalogEl: $("catalog-list"),
  }, session.id, role);
  const caseConsole = role === "instructor" ? new CaseConsole({
    rootEl: $("case-console"), titleEl: $("case-title"), scoreEl: $("case-score"),
    phaseEl: $("case-phase"), phaseTextEl: $("case-phase-text"), eventsEl: $("case-events"),
    actionsEl: $("case-actions"), logEl: $("case-log"), messageEl: $("console-message"),
  }, session.id) : null;
  $("case-console").hidden = true;
  $("open-debrief").hidden = true;
  showHandover(handoverEls, null);
  const team = new TeamChannel({
    formEl: $("say-form"), inputEl: $("say-input"), listEl: $("team-messages"),
    coachEl: $("coach-line"), messageEl: $("say-message"),
  }, session.id, role !== "observer");
  // The team's own trend of the vitals (the instructor's is in the console).
  $("learner-trend-box").hidden = role === "instructor";
  const learnerTrend = role === "instructor" ? null : new TrendPlot($("learner-trend"));
  const layoutForm = role === "instructor" ? new LayoutForm({
    formEl: $("layout-form"), roleEl: $("layout-role"), wavesEl: $("layout-waves"),
    numericsEl: $("layout-numerics"), messageEl: $("layout-message"),
  }, session.id) : null;
  const twelveLeads = new TwelveLeadList($("twelve-lead-list"), $("twelve-lead-dialog"));
  const recordButton = $("twelve-lead-order");
  recordButton.disabled = role === "observer";
  say("twelve-lead-status", "muted small", "");
  recordButton.onclick = async () => {
    try {
      await api.order(session.id, "12-lead ECG");
      say("twelve-lead-status", "muted small", "recording 10 s…");
    } catch (error) {
      say("twelve-lead-status", "error small", error.detail ?? "refused");
    }
  };
  let ended = false;
  const onEnded = () => {
    ended = true;
    recordButton.disabled = true;
    layoutForm?.disable();
    team.disable();
    orders?.disable("The session has ended; no more orders.");
    caseConsole?.disable();
    $("open-debrief").hidden = false;
    $("conn-state").textContent = "■ ended";
    $("conn-state").dataset.state = "ended";
  };
  const instructor = role === "instructor" ? new InstructorConsole({
    joinCodeEl: $("join-code-display"), pauseEl: $("clock-pause"), resumeEl: $("clock-resume"),
    speedEl: $("speed-range"), speedOutEl: $("speed-output"), presetsEl: $("speed-presets"),
    endEl: $("session-end"), messageEl: $("console-message"), trendEl: $("trend"),
    participantsEl: $("participants"), noteFormEl: $("note-form"), noteInputEl: $("note-input"),
    notesEl: $("notes"), shareEl: $("share-prompts"), overrideFormEl: $("override-form"),
    overrideSignalEl: $("override-signal"), overrideValueEl: $("override-value"),
    overrideSecondsEl: $("override-seconds"),
  }, { ...session }, { onEnded }) : null;

  const handlers = {
    snapshot(message) {
      const s = message.session ?? {};
      if (s.title) $("session-title").textContent = s.title;
      if (s.patient) $("monitor-patient").textContent = describePatient(s.patient);
      monitor.setClock(s);
      monitor.setVitals(message.vitals ?? {}, s.time_s, message.rhythm);
      if (message.nibp) monitor.showNibp(message.nibp);
      if (message.layout) monitor.setLayout(message.layout);
      if (message.layouts) layoutForm?.useLayouts(message.layouts);
      twelveLeads.reset(message.twelve_leads ?? []);
      log.reset(message.events ?? []);
      showHandover(handoverEls, message.handover ?? null);
      team.reset(message.messages ?? []);
      instructor?.showSharing(Boolean(message.share_prompts));
      caseConsole?.reset(message.case ?? null);
      instructor?.trend.reset(message.history);
      learnerTrend?.reset(message.history);
      instructor?.resetNotes(message.notes);
      if (s.participants) instructor?.showParticipants(s.participants);
      instructor?.showClock(s);
      if (s.status === "ended") onEnded();
    },
    vitals(message) {
      monitor.setVitals(message.vitals, message.time_s, message.rhythm);
      instructor?.trend.add(message.time_s, message.vitals);
      learnerTrend?.add(message.time_s, message.vitals);
    },
    event(message) { log.add(message.event); },
    nibp(message) { monitor.showNibp(message); },
    twelve_lead(message) {
      twelveLeads.add(message);
      say("twelve-lead-status", "muted small", "");
    },
    layout(message) { monitor.setLayout(message); },
    clock(message) {
      monitor.setClock(message);
      instructor?.showClock(message);
      if (message.status === "ended") onEnded();
    },
    note(message) { instructor?.showNote(message); },
    case(message) { caseConsole?.update(message.case, message.entries); },
    say(message) { team.add(message); },
    coach(message) { team.coach(message); },
    override(message) {
      log.add({ time_s: message.time_s, kind: "override", source: message.author,
        order: `monitor shows ${message.signal} = ${message.value} until ${formatClock(message.until_s)}` });
    },
    error(message) { say("order-message", "error", message.detail); },
  };
  const stream = new SessionStream(session.id, {
    onMessage: (message) => handlers[message.type]?.(message),
    onWaves: (frame) => monitor.pushWaves(frame),
    onState: (state) => {
      if (ended) return;
      $("conn-state").textContent = state === "live" ? "● live" : state;
      $("conn-state").dataset.state = state;
    },
  });
  live = { stream, monitor, orders, console: instructor, session, team, learnerTrend, layoutForm, twelveLeads };
  $("open-debrief").onclick = () => enterDebrief(session);
}

// ---- start ------------------------------------------------------------------------

const handoverEls = {
  panelEl: $("handover-panel"), titleEl: $("handover-title"),
  historyEl: $("handover-history"), textEl: $("handover-text"),
};

function listPatients() {
  const custom = $("create-patient").querySelector("option[value='custom']");
  for (const patient of config.patients) {
    const option = el("option", null, describePatient(patient));
    option.value = patient.name;
    $("create-patient").insertBefore(option, custom);
  }
  $("create-patient").value = config.patients[0]?.name ?? "custom";
}

function wire() {
  listPatients();
  $("login-form").addEventListener("submit", (event) => { event.preventDefault(); logIn(); });
  $("register-submit").addEventListener("click", register);
  $("create-form").addEventListener("submit", (event) => { event.preventDefault(); createSession(); });
  $("join-form").addEventListener("submit", (event) => { event.preventDefault(); joinSession(); });
  $("create-patient").addEventListener("change", () => {
    $("custom-patient").hidden = $("create-patient").value !== "custom";
  });
  $("create-case").addEventListener("change", showBriefing);
  $("debrief-back").addEventListener("click", enterLobby);
  $("join-code").addEventListener("input", () => {
    $("join-code").value = $("join-code").value.toUpperCase().replace(/[^A-Z0-9]/g, "");
  });
  $("logout").addEventListener("click", async () => {
    leaveSession();
    try { await api.logout(); } catch { /* the tokens are forgotten here either way */ }
    auth.clear();
    sessionStorage.removeItem(CURRENT_KEY);
    showView("login");
  });
  $("leave-session").addEventListener("click", enterLobby);
  $("alarm-silence").addEventListener("click", () => live?.monitor.silence());
  $("sound-toggle").addEventListener("click", () => {
    if (!live) return;
    const on = !live.monitor.soundOn;
    live.monitor.enableSound(on);
    $("sound-toggle").setAttribute("aria-pressed", String(on));
    $("sound-toggle").textContent = on ? "Sound off" : "Sound on";
  });
}

async function start() {
  await loadConfig();
  wire();
  if (!auth.token) { showView("login"); return; }
  const current = JSON.parse(sessionStorage.getItem(CURRENT_KEY) ?? "null");
  if (current) {
    try {
      const session = await api.session(current.id);
      enterSession({ ...current, ...session, role: session.role ?? current.role });
      return;
    } catch (error) {
      if (error.status === 401) { auth.clear(); showView("login"); return; }
    }
  }
  enterLobby();
}

start();
