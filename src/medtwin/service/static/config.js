// The server's facts (GET /api/config): patients, actions, speeds, alarm limits and the
// waveform channels. Loaded once before anything is drawn; modules read `config`.

export const config = {};

export async function loadConfig() {
  const response = await fetch("/api/config", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`/api/config answered HTTP ${response.status}`);
  Object.assign(config, await response.json());
  return config;
}
