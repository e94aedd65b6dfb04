// REST calls to the medtwin service and the bearer token kept in sessionStorage.

const TOKEN_KEY = "medtwin.token";
const REFRESH_KEY = "medtwin.refresh";
const USER_KEY = "medtwin.username";

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

export const auth = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get refreshToken() { return sessionStorage.getItem(REFRESH_KEY); },
  get username() { return sessionStorage.getItem(USER_KEY); },
  save(data) {
    sessionStorage.setItem(TOKEN_KEY, data.token);
    sessionStorage.setItem(REFRESH_KEY, data.refresh_token);
    sessionStorage.setItem(USER_KEY, data.username);
  },
  clear() {
    for (const key of [TOKEN_KEY, REFRESH_KEY, USER_KEY]) sessionStorage.removeItem(key);
  },
};

// The server's one-line `detail`; FastAPI validation errors may send a list instead.
function detailText(status, body) {
  if (body && typeof body.detail === "string") return body.detail;
  if (body && Array.isArray(body.detail)) {
    return body.detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("\n");
  }
  return `request failed (HTTP ${status})`;
}

// Access tokens last a quarter hour: on a 401, renew once with the refresh token.
export async function request(method, path, body, renewed = false) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "cannot reach the server");
  }
  const text = await response.text();
  // JSON bodies are parsed; anything else (an HTML report) is given back as text.
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  let data = isJson ? null : text;
  if (isJson) { try { data = text ? JSON.parse(text) : null; } catch { data = null; } }
  if (response.status === 401 && !renewed && auth.refreshToken && path !== "/api/refresh") {
    if (await renewToken()) return request(method, path, body, true);
  }
  if (!response.ok) throw new ApiError(response.status, detailText(response.status, data));
  return data;
}

/** A new access token from the refresh token; false (and logged out) if refused. */
export async function renewToken() {
  try {
    auth.save(await request("POST", "/api/refresh", { refresh_token: auth.refreshToken }, true));
    return true;
  } catch {
    auth.clear();
    return false;
  }
}

export const api = {
  register: (username, password) => request("POST", "/api/users", { username, password }),
  async login(username, password) {
    const data = await request("POST", "/api/login", { username, password });
    auth.save(data);
    return data;
  },
  logout: () => request("POST", "/api/logout"),
  createSession: (title, patient) => request("POST", "/api/sessions", { title, patient, seed: 0 }),
  createCaseSession: (title, name) => request("POST", "/api/sessions", { title, case: name }),
  cases: () => request("GET", "/api/cases"),
  fireCaseEvent: (id, name) => request("POST", `/api/sessions/${id}/case-events`, { name }),
  debrief: (id) => request("GET", `/api/sessions/${id}/debrief`),
  debriefWaveforms: (id, at, seconds = 10) => request("GET", `/api/sessions/${id}/debrief/waveforms?at=${at}&seconds=${seconds}`),
  whatIf: (id, body) => request("POST", `/api/sessions/${id}/debrief/whatif`, body),
  say: (id, text) => request("POST", `/api/sessions/${id}/messages`, { text }),
  sharePrompts: (id, share) => request("POST", `/api/sessions/${id}/coach`, { share }),
  layout: (id, body) => request("POST", `/api/sessions/${id}/layout`, body),
  override: (id, signal, value, seconds) => request("POST", `/api/sessions/${id}/overrides`, { signal, value, seconds }),
  debriefReport: (id) => request("GET", `/api/sessions/${id}/debrief/report`),
  debriefXapi: (id) => request("GET", `/api/sessions/${id}/debrief/xapi`),
  joinSession: (code, role) => request("POST", "/api/sessions/join", { code, role }),
  mySessions: () => request("GET", "/api/sessions"),
  session: (id) => request("GET", `/api/sessions/${id}`),
  order: (id, order) => request("POST", `/api/sessions/${id}/orders`, { order }),
  clock: (id, change) => request("POST", `/api/sessions/${id}/clock`, change),
  end: (id) => request("POST", `/api/sessions/${id}/end`),
  note: (id, text) => request("POST", `/api/sessions/${id}/notes`, { text }),
  events: (id) => request("GET", `/api/sessions/${id}/events`),
  history: (id, since = 0) => request("GET", `/api/sessions/${id}/history?since=${since}`),
  createTwin: (body) => request("POST", "/api/twins", body),
  twins: () => request("GET", "/api/twins"),
  twin: (id) => request("GET", `/api/twins/${id}`),
  track: (id, after = 0) => request("GET", `/api/twins/${id}/track?after=${after}`),
  plans: (id, plans, horizonS) => request("POST", `/api/twins/${id}/plans`, { plans, horizon_s: horizonS }),
};
