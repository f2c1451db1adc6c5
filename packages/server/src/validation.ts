import type { z } from 'zod';
import { ApiError } from './errors.js';

/** Checks a request body against the shared schema; a bad one is a 400 naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw new ApiError(400, 'bad-request', `入力が正しくありません（${field}）`);
}
