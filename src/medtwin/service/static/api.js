// REST calls to the medtwin service and the bearer token kept in sessionStorage.

const TOKEN_KEY = "medtwin.token";
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
  get username() { return sessionStorage.getItem(USER_KEY); },
  save(token, username) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, username);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
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

export async function request(method, path, body) {
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
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, detailText(response.status, data));
  return data;
}

export const api = {
  register: (username, password) => request("POST", "/api/users", { username, password }),
  async login(username, password) {
    const data = await request("POST", "/api/login", { username, password });
    auth.save(data.token, data.username);
    return data;
  },
  createSession: (title, patient) => request("POST", "/api/sessions", { title, patient, seed: 0 }),
  joinSession: (code, role) => request("POST", "/api/sessions/join", { code, role }),
  mySessions: () => request("GET", "/api/sessions"),
  session: (id) => request("GET", `/api/sessions/${id}`),
  order: (id, order) => request("POST", `/api/sessions/${id}/orders`, { order }),
  clock: (id, change) => request("POST", `/api/sessions/${id}/clock`, change),
  end: (id) => request("POST", `/api/sessions/${id}/end`),
  note: (id, text) => request("POST", `/api/sessions/${id}/notes`, { text }),
  events: (id) => request("GET", `/api/sessions/${id}/events`),
  history: (id, since = 0) => request("GET", `/api/sessions/${id}/history?since=${since}`),
};
