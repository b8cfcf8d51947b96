/** What headers are read from: a route's event, or a Lambda authorizer's (where they may be absent). */
export interface HeaderSource {
  headers?: Record<string, string | undefined>;
}

/** A request header by its lower-case name: API Gateway lower-cases every header name. */
export function readHeader(event: HeaderSource, name: Lowercase<string>): string | undefined {
  return event.headers?.[name];
}
