// Where the gateway is and how its answers look: HTTP JSON with the OpenAI error shape, and WebSocket URLs.

/** ws:// or wss:// URL of a gateway path, on the host that served this page. */
export function socketUrl(path) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

const KEY_STORE = 'perception.apiKey';

/**
 * The gateway's API key, when it wants one: opened as /?key=KEY the page keeps it in this browser
 * (and drops it from the address bar); null when none was given.
 */
export function apiKey() {
  try {
    const params = new URLSearchParams(location.search);
    if (params.get('key')) {
      localStorage.setItem(KEY_STORE, params.get('key'));
      params.delete('key');
      const rest = params.toString();
      history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
    }
    return localStorage.getItem(KEY_STORE);
  } catch {
    return null; // storage disabled: the gateway then needs no key, or says so
  }
}

/** WebSocket subprotocols carrying the key (browsers cannot set Authorization on a socket), as OpenAI's browser clients do. */
export function socketProtocols() {
  const key = apiKey();
  return key ? ['realtime', `openai-insecure-api-key.${key}`] : undefined;
}

/** An error a person can act on: `message` says what happened and what to do. */
export class GatewayError extends Error {
  constructor(message, { status = 0, code = null, type = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.type = type;
  }
}

/** fetch() that turns network failures and {"error":{…}} bodies into GatewayError. */
export async function request(path, options = {}) {
  let response;
  try {
    const key = apiKey();
    const headers = key ? { ...(options.headers || {}), Authorization: `Bearer ${key}` } : options.headers;
    response = await fetch(path, { ...options, headers });
  } catch (e) {
    throw new GatewayError(`Cannot reach the gateway at ${location.origin} (${e.message}). Is it running?`, { code: 'unreachable' });
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok && !(options.acceptStatus || []).includes(response.status)) {
    const err = body && body.error;
    const message = err && err.message ? err.message : `${response.status} ${response.statusText} from ${path}`;
    throw new GatewayError(message, { status: response.status, code: err && err.code, type: err && err.type });
  }
  return { status: response.status, body };
}

/**
 * Why a WebSocket to `path` failed to open: browsers hide the HTTP status of a failed upgrade, so
 * ask the same path over plain HTTP. A 404 means this gateway has no such endpoint.
 */
export async function explainSocketFailure(path) {
  try {
    const response = await fetch(path);
    if (response.status === 404) return `This gateway has no ${path} endpoint (is it an older version?).`;
    return `The gateway refused the ${path} connection (HTTP ${response.status}).`;
  } catch {
    return `Cannot reach the gateway at ${location.origin}. Is it running?`;
  }
}
