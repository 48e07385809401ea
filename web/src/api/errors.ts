import type { SerializedError } from '@reduxjs/toolkit';
import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import type { ApiErrorBody, ErrorCode } from './types';

type AnyError = FetchBaseQueryError | SerializedError | undefined | null;

function body(error: AnyError): ApiErrorBody['error'] | undefined {
  if (!error || !('status' in error)) return undefined;
  const data = error.data as Partial<ApiErrorBody> | undefined;
  return data && typeof data === 'object' && data.error && typeof data.error === 'object'
    ? data.error
    : undefined;
}

/** The HTTP status of a failed request, when the server answered. */
export function errorStatus(error: AnyError): number | undefined {
  return error && 'status' in error && typeof error.status === 'number' ? error.status : undefined;
}

/** The API's error code (`not_found`, `warming_up`, …), when there is one. */
export function errorCode(error: AnyError): ErrorCode | undefined {
  return body(error)?.code;
}

/** Per-field messages of a 400, keyed by field name. */
function fieldErrors(error: AnyError): Record<string, string[]> {
  return body(error)?.fields ?? {};
}

/** One sentence to show for a failed request. */
export function errorMessage(error: AnyError, fallback = 'Something went wrong.'): string {
  if (!error) return fallback;
  const apiBody = body(error);
  if (apiBody?.message) return apiBody.message;
  if ('status' in error) {
    switch (error.status) {
      case 'FETCH_ERROR':
        return 'Cannot reach the server. Check your connection and try again.';
      case 'PARSING_ERROR':
        return `The server sent an unexpected answer (HTTP ${error.originalStatus}).`;
      case 'TIMEOUT_ERROR':
        return 'The server took too long to answer.';
      case 401:
        return 'Please log in again.';
      case 403:
        return 'You are not allowed to do this.';
      case 404:
        return 'Not found.';
      case 413:
        return 'That is too large to upload.';
      case 429:
        return 'Too many attempts. Wait a minute and try again.';
      default:
        return typeof error.status === 'number' && error.status >= 500
          ? 'The server had a problem. Try again in a moment.'
          : fallback;
    }
  }
  return error.message ?? fallback;
}

/**
 * A form's errors: one message per known field, and the rest (errors of other fields, or the
 * general message when no field is named) as one line for an alert.
 */
export function formErrors(
  error: AnyError,
  known: readonly string[],
): { fields: Record<string, string>; other: string | null } {
  if (!error) return { fields: {}, other: null };
  const all = fieldErrors(error);
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const [name, messages] of Object.entries(all)) {
    if (known.includes(name)) fields[name] = messages.join(' ');
    else rest.push(...messages);
  }
  if (Object.keys(fields).length === 0 && rest.length === 0) {
    return { fields, other: errorMessage(error) };
  }
  return { fields, other: rest.length > 0 ? rest.join(' ') : null };
}
