/** What headers are read from: a route's event, or a Lambda authorizer's (where they may be absent). */
export interface HeaderSource {
  headers?: Record<string, string | undefined>;
}

/** A request header by name, whatever its case (serverless-offline keeps the client's case). */
export function readHeader(event: HeaderSource, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
}
