import type { HttpResponse } from '../../lib/http/response';

/** The parsed JSON body of a handler's response. */
export function bodyOf(response: HttpResponse): unknown {
  return JSON.parse(response.body ?? 'null');
}
