// threadsync-session.js: a browser client for ThreadSync subject sessions. An ES module with no dependencies and no
// build step; it uses only WebCrypto (crypto.subtle, crypto.getRandomValues), fetch and TextEncoder.
//
// How a browser gets a session:
//   1. createPkcePair() makes a random code verifier and its S256 challenge.
//   2. The page sends only the challenge to its own backend, which asks ThreadSync for a short-lived share code
//      (POST /v1/sessions/share-codes, with the backend's API key; the key never reaches the browser).
//   3. ThreadSyncSession.exchange() trades the share code and the verifier for a subject token and an HMAC key
//      (POST /v1/sessions/exchange).
//   4. Every call is then signed (session.fetch, session.chat); session.end() logs out (DELETE /v1/sessions/current).
//
// Where the session material lives: ONLY in the private fields of the ThreadSyncSession object (#token, #key). The
// HMAC key is imported as a non-extractable CryptoKey and the raw key bytes are overwritten once imported. Nothing is
// ever written to localStorage, sessionStorage, IndexedDB or cookies, and requests are sent with credentials "omit".
// A page reload therefore ends the session in the browser: the page asks its backend for a new share code. Keep it
// that way; anything a script can persist, an injected script can read later.

const encoder = new TextEncoder();

/** The characters RFC 7636 allows in a code verifier. */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Guards the constructor: sessions come from ThreadSyncSession.exchange only. */
const CONSTRUCT = Symbol('ThreadSyncSession.construct');

/**
 * Encodes bytes as base64url without padding (RFC 4648 section 5).
 * @param {Uint8Array|ArrayBuffer} bytes The bytes to encode.
 * @returns {string} The base64url text.
 */
export function base64UrlEncode(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (const b of view) {
    binary += String.fromCharCode(b);
  }

  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes base64url text (padding optional).
 * @param {string} text The base64url text.
 * @returns {Uint8Array} The decoded bytes.
 * @throws {TypeError} The text is not base64url.
 */
export function base64UrlDecode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9\-_]*={0,2}$/.test(text)) {
    throw new TypeError('Expected base64url text.');
  }

  const base64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }

  return bytes;
}

/**
 * Hashes bytes with SHA-256.
 * @param {Uint8Array} bytes The bytes to hash.
 * @returns {Promise<Uint8Array>} The 32-byte digest.
 */
async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/**
 * Formats bytes as lowercase hexadecimal.
 * @param {Uint8Array} bytes The bytes.
 * @returns {string} The hex text.
 */
function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Turns a request body into the exact bytes that are sent (and hashed for the signature).
 * @param {string|Uint8Array|ArrayBuffer|ArrayBufferView|null|undefined} body The body.
 * @returns {Uint8Array} The body bytes (empty when there is no body).
 * @throws {TypeError} The body is of a kind whose bytes cannot be known before sending (a stream, FormData, ...).
 */
export function bodyBytes(body) {
  if (body === undefined || body === null) {
    return new Uint8Array(0);
  }

  if (typeof body === 'string') {
    return encoder.encode(body);
  }

  if (body instanceof Uint8Array) {
    return body;
  }

  if (body instanceof ArrayBuffer) {
    return new Uint8Array(body);
  }

  if (ArrayBuffer.isView(body)) {
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }

  throw new TypeError('A signed request body must be a string, an ArrayBuffer or a typed array.');
}

/**
 * Makes a fresh PKCE pair (RFC 7636, S256): a verifier of 43 random base64url characters (32 bytes from
 * crypto.getRandomValues) and its challenge, BASE64URL(SHA-256(verifier)). Send only the challenge to your backend;
 * keep the verifier in memory for ThreadSyncSession.exchange.
 * @returns {Promise<{verifier: string, challenge: string}>} The verifier and its challenge.
 */
export async function createPkcePair() {
  const verifier = base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64UrlEncode(await sha256(encoder.encode(verifier)));
  return { verifier, challenge };
}

/**
 * Makes a request nonce: 32 random bytes as 43 base64url characters, never reused.
 * @returns {string} The nonce.
 */
export function createNonce() {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * Builds the canonical text a request signature covers:
 * METHOD "\n" PATH_AND_QUERY "\n" TIMESTAMP "\n" NONCE "\n" lowercase hex SHA-256 of the body bytes.
 * @param {object} request The request.
 * @param {string} request.method The HTTP method (upper-cased here).
 * @param {string} request.pathAndQuery The path and query exactly as sent, e.g. "/v1/chat/completions".
 * @param {number|string} request.timestamp Unix seconds, an integer.
 * @param {string} request.nonce The request nonce.
 * @param {string|Uint8Array|ArrayBuffer|ArrayBufferView|null} [request.body] The exact body (none hashes as empty).
 * @returns {Promise<string>} The canonical text.
 */
export async function canonicalRequest({ method, pathAndQuery, timestamp, nonce, body }) {
  const bodyHash = toHex(await sha256(bodyBytes(body)));
  return `${String(method).toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${bodyHash}`;
}

/**
 * Imports a session's HMAC key (base64url, 32 bytes) as a non-extractable HMAC-SHA256 signing key. The decoded bytes
 * are overwritten once imported.
 * @param {string} hmacKeyBase64Url The key as the exchange returned it.
 * @returns {Promise<CryptoKey>} The signing key.
 */
export async function importHmacKey(hmacKeyBase64Url) {
  const raw = base64UrlDecode(hmacKeyBase64Url);
  try {
    return await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  } finally {
    raw.fill(0);
  }
}

/**
 * Signs a request: base64url (no padding) of HMAC-SHA256(key, canonical text), see canonicalRequest. A pure helper;
 * ThreadSyncSession.fetch signs through it too.
 * @param {object} request The request and key.
 * @param {CryptoKey} [request.hmacKey] The signing key (from importHmacKey); or give hmacKeyBase64Url.
 * @param {string} [request.hmacKeyBase64Url] The raw key as base64url (imported for this call only).
 * @param {string} request.method The HTTP method.
 * @param {string} request.pathAndQuery The path and query exactly as sent.
 * @param {number|string} request.timestamp Unix seconds, an integer.
 * @param {string} request.nonce The request nonce.
 * @param {string|Uint8Array|ArrayBuffer|ArrayBufferView|null} [request.body] The exact body bytes or text.
 * @returns {Promise<string>} The signature, base64url without padding.
 */
export async function signRequest({ hmacKey, hmacKeyBase64Url, method, pathAndQuery, timestamp, nonce, body }) {
  const key = hmacKey ?? (await importHmacKey(hmacKeyBase64Url));
  const canonical = await canonicalRequest({ method, pathAndQuery, timestamp, nonce, body });
  return base64UrlEncode(await crypto.subtle.sign('HMAC', key, encoder.encode(canonical)));
}

/**
 * An error ThreadSync answered with (OpenAI-shaped: {"error": {"message", "type", "param", "code", "request_id"}}).
 */
export class ThreadSyncError extends Error {
  /**
   * Creates the error from a response and its parsed body.
   * @param {number} status The HTTP status.
   * @param {any} body The parsed JSON body, or null when it was not JSON.
   * @param {string|null} requestIdHeader The x-request-id response header.
   */
  constructor(status, body, requestIdHeader) {
    const error = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : {};
    super(typeof error.message === 'string' && error.message ? error.message : `ThreadSync answered HTTP ${status}.`);
    this.name = 'ThreadSyncError';
    /** @type {number} The HTTP status. */
    this.status = status;
    /** @type {string|null} The error code, e.g. "invalid_signature" or "session_expired". */
    this.code = typeof error.code === 'string' ? error.code : null;
    /** @type {string|null} The error type, e.g. "authentication_error". */
    this.type = typeof error.type === 'string' ? error.type : null;
    /** @type {string|null} The request parameter the error is about, if any. */
    this.param = typeof error.param === 'string' ? error.param : null;
    /** @type {string|null} The request id, to quote to the gateway's operator. */
    this.requestId = typeof error.request_id === 'string' ? error.request_id : requestIdHeader;
  }

  /**
   * Reads an error response.
   * @param {Response} response A response that is not ok.
   * @returns {Promise<ThreadSyncError>} The error.
   */
  static async fromResponse(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }

    return new ThreadSyncError(response.status, body, response.headers.get('x-request-id'));
  }
}

/**
 * Removes trailing slashes from a base URL; an empty base URL means this page's origin.
 * @param {string} [baseUrl] The gateway's base URL, e.g. "https://gateway.example.com".
 * @returns {string} The base URL without trailing slashes.
 */
function normalizeBaseUrl(baseUrl) {
  const base = baseUrl === undefined || baseUrl === null || baseUrl === '' ? globalThis.location.origin : String(baseUrl);
  return base.replace(/\/+$/, '');
}

/**
 * A subject session in the browser: signs calls to the gateway with the session's HMAC key. The subject token and
 * the key live only in this object's private fields (#token, #key); nothing is persisted anywhere.
 */
export class ThreadSyncSession {
  /** @type {string|null} The subject token (x-threadsync-session); null once ended. */
  #token;

  /** @type {CryptoKey|null} The non-extractable HMAC-SHA256 key; null once ended. */
  #key;

  /** @type {string} The gateway's base URL, without a trailing slash. */
  #baseUrl;

  /** @type {string} The session id (not a secret). */
  #sessionId;

  /** @type {string|null} The subject (end user) the session is for. */
  #subjectId;

  /** @type {number} When the session expires, in Unix seconds. */
  #expiresAt;

  /**
   * Use ThreadSyncSession.exchange to get a session.
   * @param {symbol} guard The module's private construction guard.
   * @param {{baseUrl: string, token: string, key: CryptoKey, sessionId: string, subjectId: string|null, expiresAt: number}} material
   *   The session material.
   */
  constructor(guard, material) {
    if (guard !== CONSTRUCT) {
      throw new TypeError('Use ThreadSyncSession.exchange to get a session.');
    }

    this.#baseUrl = material.baseUrl;
    this.#token = material.token;
    this.#key = material.key;
    this.#sessionId = material.sessionId;
    this.#subjectId = material.subjectId;
    this.#expiresAt = material.expiresAt;
  }

  /**
   * Trades a share code (from your backend) and the PKCE verifier for a session: POST /v1/sessions/exchange. The
   * gateway checks this page's Origin against the app client's allowed origins.
   * @param {object} options The exchange.
   * @param {string} [options.baseUrl] The gateway's base URL; this page's origin when omitted.
   * @param {string} options.shareCode The share code ("tsc_...").
   * @param {string} options.codeVerifier The verifier of the challenge the share code was made for.
   * @returns {Promise<ThreadSyncSession>} The session.
   * @throws {ThreadSyncError} The gateway refused the exchange.
   * @throws {TypeError} The arguments or the gateway's answer are malformed.
   */
  static async exchange({ baseUrl, shareCode, codeVerifier }) {
    if (typeof shareCode !== 'string' || shareCode === '') {
      throw new TypeError('shareCode is required.');
    }

    if (typeof codeVerifier !== 'string' || !VERIFIER_PATTERN.test(codeVerifier)) {
      throw new TypeError('codeVerifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.');
    }

    const base = normalizeBaseUrl(baseUrl);
    const response = await fetch(`${base}/v1/sessions/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ share_code: shareCode, code_verifier: codeVerifier }),
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok) {
      throw await ThreadSyncError.fromResponse(response);
    }

    const body = await response.json();
    if (!body || typeof body.subject_token !== 'string' || typeof body.hmac_key !== 'string') {
      throw new TypeError('The exchange answer has no subject_token or hmac_key.');
    }

    const key = await importHmacKey(body.hmac_key);
    return new ThreadSyncSession(CONSTRUCT, {
      baseUrl: base,
      token: body.subject_token,
      key,
      sessionId: typeof body.session_id === 'string' ? body.session_id : '',
      subjectId: typeof body.subject_id === 'string' ? body.subject_id : null,
      expiresAt: typeof body.expires_at === 'number' ? body.expires_at : Math.floor(Date.now() / 1000) + (Number(body.expires_in) || 0),
    });
  }

  /**
   * When the session expires, in Unix seconds (as the gateway said).
   * @returns {number} The expiry.
   */
  get expiresAt() {
    return this.#expiresAt;
  }

  /**
   * The session id (not a secret; useful in logs).
   * @returns {string} The session id ("ses_...").
   */
  get sessionId() {
    return this.#sessionId;
  }

  /**
   * The subject (end user) the backend made the session for, if it named one.
   * @returns {string|null} The subject id.
   */
  get subjectId() {
    return this.#subjectId;
  }

  /**
   * Whether the session was ended (end() called); an ended session cannot sign.
   * @returns {boolean} True once ended.
   */
  get ended() {
    return this.#key === null;
  }

  /**
   * Sends a signed request to the gateway and returns the response as is (errors included). The body must be a
   * string, an ArrayBuffer or a typed array: its exact bytes are hashed into the signature.
   * @param {string} path The path and query, starting with "/", e.g. "/v1/chat/completions".
   * @param {RequestInit} [init] As for fetch; credentials are always "omit".
   * @returns {Promise<Response>} The response.
   * @throws {Error} The session was ended.
   */
  async fetch(path, init = {}) {
    if (this.#key === null || this.#token === null) {
      throw new Error('The ThreadSync session was ended.');
    }

    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError('path must start with "/".');
    }

    const url = new URL(this.#baseUrl + path);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = bodyBytes(init.body);
    const timestamp = Math.floor(Date.now() / 1000);
    const nonce = createNonce();
    const pathAndQuery = url.pathname + url.search;
    const signature = await signRequest({ hmacKey: this.#key, method, pathAndQuery, timestamp, nonce, body });

    const headers = new Headers(init.headers);
    headers.set('x-threadsync-session', this.#token);
    headers.set('x-threadsync-timestamp', String(timestamp));
    headers.set('x-threadsync-nonce', nonce);
    headers.set('x-threadsync-signature', signature);
    return fetch(url, {
      ...init,
      method,
      headers,
      body: body.byteLength === 0 ? undefined : body,
      credentials: 'omit',
    });
  }

  /**
   * Sends a chat completion (POST /v1/chat/completions, OpenAI's body) and returns the parsed answer. ThreadSync's
   * answer also carries the reply text in a top-level "content" field.
   * @param {object} body The OpenAI Chat Completions request, e.g. {model, messages: [{role: "user", content}]}.
   * @returns {Promise<any>} The parsed JSON answer.
   * @throws {ThreadSyncError} The gateway answered with an error (see its code, e.g. "invalid_signature").
   */
  async chat(body) {
    const response = await this.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ThreadSyncError.fromResponse(response);
    }

    return response.json();
  }

  /**
   * Ends the session (logout): DELETE /v1/sessions/current, then forgets the token and key whatever the answer.
   * Ending an ended session does nothing.
   * @returns {Promise<void>} Resolves once the gateway ended the session.
   * @throws {ThreadSyncError} The gateway did not confirm (the material is forgotten anyway).
   */
  async end() {
    if (this.#key === null) {
      return;
    }

    let response;
    try {
      response = await this.fetch('/v1/sessions/current', { method: 'DELETE' });
    } finally {
      this.#token = null;
      this.#key = null;
    }

    if (!response.ok) {
      throw await ThreadSyncError.fromResponse(response);
    }
  }
}
