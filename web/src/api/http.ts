// The one way the app talks to the service: JSON over `/api/v1`, the session cookie, and the
// CSRF token (kept in memory only, never in localStorage) on every write.

export const API = '/api/v1';

// An answer that was not 2xx, in the service's one error shape:
// {"error": {"code", "message", "details": {"field"}}}.
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly body: unknown;

  constructor(status: number, code: string, message: string, field?: string, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body;
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function hasCsrfToken(): boolean {
  return csrfToken !== null;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

// `?a=1&b=x`, leaving out what is null, undefined or the empty string.
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  json?: unknown; // sent as application/json
  body?: BodyInit; // sent as is (CSV, zip)
  contentType?: string;
  signal?: AbortSignal;
}

// The answer's body, read whole (so that every response is finished: an unread body keeps a
// request open in the browser).
export async function apiRaw(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) {
    headers['Content-Type'] = options.contentType;
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(`${API}${path}${queryString(options.query)}`, {
    method,
    headers,
    body,
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (!response.ok) throw await toError(response);
  return response;
}

export async function api<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiRaw(path, options);
  const text = await response.text();
  if (!text) return undefined as T;
  return JSON.parse(text) as T;
}

async function toError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { code?: string; message?: string; details?: { field?: string } } })
    ?.error;
  if (error && typeof error.message === 'string') {
    return new ApiError(response.status, error.code ?? 'unknown', error.message, error.details?.field, parsed);
  }
  const message =
    response.status === 502 || response.status === 504
      ? 'the service cannot be reached; is it running?'
      : `the service answered ${response.status} ${response.statusText}`;
  return new ApiError(response.status, 'unknown', message, undefined, parsed);
}

// A list answer: {"items": [...], "page", "size", "total"}.
export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}
