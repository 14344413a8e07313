// HTTP error type and problem+json reading shared by the API client and the token calls.

/** A failed call: the problem+json `detail` (or `title`) is the message shown to the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly problem: Record<string, unknown> = {},
  ) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** Turns an unsuccessful response into an ApiError, reading an RFC 9457 problem body when there is one. */
export async function problemOf(response: Response): Promise<ApiError> {
  let problem: Record<string, unknown> = {};
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === 'object') problem = parsed;
    } catch {
      problem = { detail: text.slice(0, 300) };
    }
  }
  const title = String(problem.title ?? problem.error ?? response.statusText ?? '');
  const detail = String(problem.detail ?? problem.error_description ?? '');
  return new ApiError(response.status, title, detail || title || `HTTP ${response.status}`, problem);
}

/** The message to show for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.detail || error.title;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Parses a response body as JSON; empty bodies give null. */
export async function jsonBody<T>(response: Response): Promise<T> {
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}
