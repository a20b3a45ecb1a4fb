// HTTP helpers and number formatting shared by the dashboard's views.

/** A non-2xx answer; `problem` is the RFC 9457 body when the server sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

const KEY_ITEM = 'trainyard.key';

/** The API key typed into the sign-in box: kept for this tab only (sessionStorage), never in a URL. */
export function apiKey() {
  return sessionStorage.getItem(KEY_ITEM) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  else sessionStorage.removeItem(KEY_ITEM);
}

const ADVICE = {
  401: 'Sign in with an API key (an admin finds the first one in data/admin.key).',
  403: 'This key may not do that (it needs an admin key, or the quota is used up).',
  429: 'Too many requests or jobs for this key; try again in a moment.',
};

/** The error for a refused request; `key` is the key it went with (a 401 then refused that key, not today's). */
async function toError(response, key) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // not JSON: keep the status line only
  }
  problem = problem || { title: response.statusText };
  if (ADVICE[response.status]) {
    const retry = response.headers.get('Retry-After');
    // A 401's own detail tells a curl user which header to send; on this page the advice is to sign in.
    const said = response.status === 401 ? '' : `${problem.detail || problem.title || ''} `;
    problem = { ...problem, detail: `${said}${ADVICE[response.status]}` + (retry ? ` (retry after ${retry} s)` : '') };
    document.dispatchEvent(new CustomEvent('trainyard:auth-problem', { detail: { status: response.status, key } }));
  }
  return new ApiError(response.status, problem);
}

/**
 * Every API call of this page goes through here; a non-2xx answer is thrown as an ApiError. Every
 * endpoint the page calls needs a key (README "Security"), so without one the answer is known: the 401
 * is made here instead of asked for, and a signed-out visit sends nothing (each such request was a red
 * "Failed to load resource" in the console).
 */
async function request(path, init) {
  const key = apiKey();
  if (!key) throw new ApiError(401, { title: 'Unauthorized', detail: ADVICE[401] });
  const response = await fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${key}` } });
  if (!response.ok) throw await toError(response, key);
  return response;
}

/** GET as JSON (the history endpoints also speak CSV and images, so always ask for JSON). */
export async function getJson(path, signal) {
  const response = await request(path, { headers: { Accept: 'application/json' }, signal });
  return response.json();
}

export async function postJson(path, body) {
  const response = await request(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.status === 204 ? null : response.json();
}

/**
 * Saves what `path` answers as a file. A plain link cannot do it: a click navigates without the key
 * (it travels only as a header, never in a URL), so the browser would show a 401 instead of the model.
 */
export async function download(path, fileName) {
  const response = await request(path, { headers: {}, cache: 'no-store' });
  const url = URL.createObjectURL(await response.blob());
  const a = el('a', { href: url, download: fileName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob to the download; freeing it at once could cancel that in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Reads a Server-Sent Events stream with fetch, so the key goes along as a header (EventSource
 * cannot send one). Calls onEvent(name, data) per event; resolves when the server ends the stream,
 * rejects on an HTTP error or a broken connection. Abort with `signal`.
 */
export async function readEvents(path, onEvent, signal) {
  const response = await request(path, { headers: { Accept: 'text/event-stream' }, signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let name = 'message';
  let data = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data = data === null ? line.slice(5) : `${data}\n${line.slice(5)}`;
      else if (line === '') {
        if (data !== null) onEvent(name, data);
        name = 'message';
        data = null;
      }
    }
  }
}

/** A query string from the non-empty entries of `params`. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, value);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * A createdAt (a job's, a sweep's) as text that sorts like the instant: "2025-01-02T11:12:16.131372Z" becomes
 * "2025-01-02T11:12:16.131372000Z". The API writes microseconds and drops trailing zeros (".131Z",
 * or no fraction at all), and Date.parse keeps only milliseconds: jobs created in the same millisecond
 * (a sweep's members, 0.3 ms apart) compared equal, and the list dropped older-page rows as if deleted.
 */
function instantKey(createdAt) {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(createdAt || '');
  return match ? `${match[1]}.${(match[2] || '').padEnd(9, '0')}Z` : '';
}

/**
 * The API's order of its lists: newest first, and between items created in the same instant the larger
 * id first (GET /jobs and /sweeps sort by created_at DESC, id DESC; cursors go on after the last
 * (createdAt, id)).
 * Negative when `a` comes first.
 */
export function newestFirst(a, b) {
  const ka = instantKey(a.createdAt);
  const kb = instantKey(b.createdAt);
  if (ka !== kb) return ka > kb ? -1 : 1;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export function isTerminal(status) {
  return TERMINAL.has(status);
}

/**
 * How much of a job is done, for its progress bar. The API's fraction is iteration / iterations; a job
 * that early stopping ended keeps the iteration it stopped at (0.016 for 24 of 1,500), which on a bar
 * read as a job barely started. A SUCCEEDED job has done all it will do: its bar is full.
 */
export function doneFraction(job) {
  if (job.status === 'SUCCEEDED') return 1;
  return Math.max(0, Math.min(1, job.progress?.fraction ?? 0));
}

/** Whether early stopping ended this finished job before its last iteration. */
export function stoppedEarly(job) {
  return job.status === 'SUCCEEDED' && job.stoppedEarly === true;
}

/** True when the stored model holds the weights of the best point, not the last (early stopping's restoreBest). */
export function restoredBest(job) {
  return job?.restoredBest === true && job.bestIteration != null;
}

export function fmtLoss(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  // Four significant digits without trailing zeros after the point: 1099.56 → "1100", 0.5000 → "0.5"
  // (only zeros after a decimal point may go: stripping them from "1100" would print 11).
  const text = value.toPrecision(4);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export function fmtInt(value) {
  return value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en');
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 1) return '<1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function fmtTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

/** `{alpha: 0.001, layers: [5]}` → `alpha=0.001, layers=[5]`. */
export function fmtParams(params) {
  if (!params || typeof params !== 'object') return '';
  return Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}

/** Creates an element: el('td', {className: 'num'}, 'text', child…). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('aria-') || key === 'role' || key === 'for') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}
