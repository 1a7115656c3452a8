// The JSON API of `hedgesim serve`. Every failure becomes an ApiError whose message is the server's own
// {"error": "..."} text, unchanged, so that the page can show it to the user verbatim.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // HTTP status, or 0 when the server could not be reached
  }
}

async function answerOf(response) {
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && typeof body.error === 'string' ? body.error : `HTTP ${response.status}: ${text}`;
    throw new ApiError(message, response.status);
  }
  if (body === null) throw new ApiError(`the server's answer is not JSON: ${text.slice(0, 200)}`, response.status);
  return body;
}

async function request(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(`cannot reach the hedgesim server (${e.message}); is \`hedgesim serve\` still running?`, 0);
  }
  return answerOf(response);
}

export function getJSON(url) {
  return request(url);
}

export function postJSON(url, body) {
  return request(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/// A static file of the page (lessons/...): null when it does not exist, so "no lessons yet" is not an error.
export async function getOptionalJSON(url) {
  let response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new ApiError(`cannot load ${url}: ${e.message}`, 0);
  }
  if (response.status === 404) return null;
  const text = await response.text();
  if (!response.ok) throw new ApiError(`cannot load ${url}: HTTP ${response.status}`, response.status);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(`${url} is not valid JSON: ${e.message}`, response.status);
  }
}
