// The REST API, as the page uses it: JSON in and out, problems (RFC 9457) as ApiError.

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
    this.retryAfter = retryAfter;
  }
}

export function createApi(session) {
  async function request(method, path, body, as = 'json') {
    const headers = { Accept: as === 'blob' ? 'text/plain, application/problem+json' : 'application/json' };
    const token = session.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, { title: 'The server cannot be reached', detail: String(e.message || e) });
    }
    if (res.ok && as === 'blob') return res.blob();
    const text = await res.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = { title: text.slice(0, 200) };
      }
    }
    if (!res.ok) {
      if (res.status === 401 && token) session.ended('Your session has ended; log in again.');
      throw new ApiError(res.status, json, res.headers.get('Retry-After'));
    }
    return json;
  }

  return {
    login: (username, password) => request('POST', '/api/auth/login', { username, password }),
    deployment: (id) => request('GET', `/api/deployments/${encodeURIComponent(id)}`),
    create: (spec) => request('POST', '/api/deployments', spec),
    action: (id, action) => request('POST', `/api/deployments/${encodeURIComponent(id)}/${action}`),
    remove: (id) => request('DELETE', `/api/deployments/${encodeURIComponent(id)}`),
    history: (id, params) =>
      request('GET', `/api/deployments/${encodeURIComponent(id)}/logs?${new URLSearchParams(params)}`),
    search: (id, params) =>
      request('GET', `/api/deployments/${encodeURIComponent(id)}/logs/search?${new URLSearchParams(params)}`),
    raw: (id, params) =>
      request('GET', `/api/deployments/${encodeURIComponent(id)}/logs/raw?${new URLSearchParams(params)}`, undefined, 'blob'),
  };
}

/** What to tell the user about a failed call. */
export function describe(error) {
  if (error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : '';
    return `Too many requests.${wait}`;
  }
  if (error.status === 401) return 'Wrong username or password.';
  return error.message;
}
