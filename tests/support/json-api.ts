/** A JSON client of a running service, as a script would call it: bodies and sessions by Bearer. */
export interface JsonAnswer {
  status: number;
  /** The X-Error-Code header of an error answer. */
  code: string | null;
  body: Record<string, unknown>;
  /** The session id of a Set-Cookie the answer carries. */
  sessionId: string | undefined;
}

/** `call(method, path, body?, sessionId?)` against the service at `baseUrl`. */
export function jsonApi(baseUrl: string) {
  return async (
    method: string,
    path: string,
    body?: object,
    sessionId?: string,
  ): Promise<JsonAnswer> => {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        ...(body && { 'Content-Type': 'application/json' }),
        ...(sessionId !== undefined && { Authorization: `Bearer ${sessionId}` }),
      },
      ...(body && { body: JSON.stringify(body) }),
    });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('session_id='));
    return {
      status: response.status,
      code: response.headers.get('x-error-code'),
      body: (await response.json()) as Record<string, unknown>,
      sessionId: cookie?.slice('session_id='.length).split(';')[0],
    };
  };
}
