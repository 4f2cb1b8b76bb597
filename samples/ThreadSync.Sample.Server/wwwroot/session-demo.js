// The session demo page's script (session-demo.html). It asks the sample backend (POST /sample/share-code) for a
// share code, exchanges it for a ThreadSync subject session, and sends the prompt with session.chat. The session lives
// only in the `session` variable below (see threadsync-session.js): nothing is stored in the browser.
import { ThreadSyncSession, createPkcePair } from './threadsync-session.js';

const prompt = /** @type {HTMLTextAreaElement} */ (document.getElementById('prompt'));
const send = /** @type {HTMLButtonElement} */ (document.getElementById('send'));
const endButton = /** @type {HTMLButtonElement} */ (document.getElementById('end'));
const answer = /** @type {HTMLElement} */ (document.getElementById('answer'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));
const error = /** @type {HTMLElement} */ (document.getElementById('error'));

/** The model to ask: ?model= wins over the body's data-model attribute. */
const model = new URLSearchParams(location.search).get('model') || document.body.dataset.model || 'gpt-4o';

/** The gateway's base URL: the body's data-gateway attribute, else this page's origin. */
const gateway = document.body.dataset.gateway || location.origin;

/** @type {ThreadSyncSession|null} The session, in memory only. */
let session = null;

/**
 * Shows where the page is (#status text and its data-state attribute, which tests wait on).
 * @param {string} state One of starting, ready, sending, answered, ended, failed.
 * @param {string} text The text to show.
 */
function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

/**
 * Shows an error (#error) and marks the page failed.
 * @param {unknown} e The error.
 */
function fail(e) {
  const code = e && typeof e === 'object' && 'code' in e && e.code ? ` (${e.code})` : '';
  error.textContent = (e instanceof Error ? e.message : String(e)) + code;
  error.dataset.code = e && typeof e === 'object' && 'code' in e && e.code ? String(e.code) : '';
  setStatus('failed', 'Failed.');
}

/**
 * Gets a share code from the sample backend and exchanges it for a session.
 * @returns {Promise<void>} Resolves once the page is ready to send.
 */
async function start() {
  const pkce = await createPkcePair();
  const response = await fetch('/sample/share-code', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code_challenge: pkce.challenge }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body || typeof body.share_code !== 'string') {
    throw new Error(body?.error?.message || `The sample backend answered HTTP ${response.status}.`);
  }

  session = await ThreadSyncSession.exchange({ baseUrl: gateway, shareCode: body.share_code, codeVerifier: pkce.verifier });
  send.disabled = false;
  endButton.disabled = false;
  setStatus('ready', `Ready (session until ${new Date(session.expiresAt * 1000).toLocaleTimeString()}).`);
}

send.addEventListener('click', async () => {
  if (!session) {
    return;
  }

  send.disabled = true;
  error.textContent = '';
  answer.textContent = '';
  setStatus('sending', 'Sending…');
  try {
    const reply = await session.chat({ model, messages: [{ role: 'user', content: prompt.value }] });
    answer.textContent = typeof reply.content === 'string' ? reply.content : (reply.choices?.[0]?.message?.content ?? '');
    setStatus('answered', 'Answered.');
  } catch (e) {
    fail(e);
  } finally {
    send.disabled = session === null || session.ended;
  }
});

endButton.addEventListener('click', async () => {
  if (!session) {
    return;
  }

  send.disabled = true;
  endButton.disabled = true;
  try {
    await session.end();
    setStatus('ended', 'Session ended. Reload the page for a new one.');
  } catch (e) {
    fail(e);
  }
});

start().catch(fail);
