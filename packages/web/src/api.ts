import type { ApiErrorBody } from '@renkei/api';

/** A refusal from the server, with its code and the message meant for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  return (await response.json().catch(() => undefined)) as T;
}

/** A document the server answers (a card to print, say), with its headers. */
export async function apiBlob(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ blob: Blob; headers: Headers }> {
  const response = await send(method, path, body);
  return { blob: await response.blob(), headers: response.headers };
}

/** The request; a refusal becomes an ApiError with the server's code and message. */
async function send(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown): Promise<Response> {
  // The server takes state-changing requests as JSON only (a cross-site form cannot send it): a POST always carries a body.
  const json = body ?? (method === 'POST' ? {} : undefined);
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  if (!response.ok) {
    const error = ((await response.json().catch(() => undefined)) as ApiErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'network', error?.message ?? `HTTP ${response.status}`);
  }
  return response;
}
