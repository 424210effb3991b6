// api.js — calls to payband's JSON API: errors shown as the server words
// them, the bearer token asked for when a private server wants one.
const TOKEN_KEY = "payband-token";

export class ApiError extends Error {
  constructor(status, body) {
    const e = body && body.error ? body.error : {};
    super(e.message || `the server answered ${status}`);
    this.status = status;
    this.code = e.code || "";
    this.line = e.line ?? null;
  }
}

function headers(extra) {
  const h = new Headers(extra || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) h.set("Authorization", `Bearer ${token}`);
  return h;
}

async function answer(resp, as) {
  if (resp.status === 401) document.getElementById("token-form").hidden = false;
  if (!resp.ok) {
    let body = null;
    try { body = await resp.json(); } catch (_) { /* not JSON */ }
    throw new ApiError(resp.status, body);
  }
  return as === "text" ? resp.text() : resp.json();
}

export async function get(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v != null) q.set(k, v);
  const url = q.toString() ? `${path}?${q}` : path;
  return answer(await fetch(url, { headers: headers() }), "json");
}

export async function post(path, params, body, type, as) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v != null) q.set(k, v);
  const url = q.toString() ? `${path}?${q}` : path;
  const init = {
    method: "POST",
    headers: headers({ "Content-Type": type || "application/json" }),
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
  return answer(await fetch(url, init), as || "json");
}

export function useToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function showError(err) {
  const box = document.getElementById("error");
  if (!err) { box.hidden = true; box.textContent = ""; return; }
  const where = err.line ? ` (line ${err.line})` : "";
  box.textContent = `${err.message}${where}`;
  box.hidden = false;
}
