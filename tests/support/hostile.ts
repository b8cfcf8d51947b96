/**
 * fast-check arbitraries for hostile requests: what a client, a proxy or an attacker may put in
 * an API Gateway v2 event. Used by tests/reliability/hostile-input.test.ts.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { httpEvent } from './events';
import { methodAndPath, type RouteKey } from './routes';

/** Half of a surrogate pair on its own: valid in a JS string, invalid in UTF-8. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings of every kind of character, the awkward ones made likely. */
export const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.oneof(
      loneSurrogate,
      fc.constantFrom('\u0000', '\u202e', '\ufeff', '%', '&', '=', ';'),
    ),
    maxLength: 20,
  }),
  fc.constantFrom('', ' ', 'null', 'undefined', '__proto__', 'constructor', '%00', '%zz', '\u0000'),
);

/** Things shaped like emails, including the valid and the almost valid. */
export function hostileEmail(known: readonly string[]) {
  return fc.oneof(
    fc.emailAddress(),
    fc.constantFrom(...known),
    hostileText,
    fc.tuple(hostileText, hostileText).map(([local, domain]) => `${local}@${domain}.com`),
    fc.string({ minLength: 250, maxLength: 400 }).map((s) => `${s}@example.com`),
  );
}

export interface FieldSources {
  emails: readonly string[];
  tokens: readonly string[];
}

/** Field values: strings of every kind, sometimes the real account's email and tokens. */
function fieldsArbitrary(sources: FieldSources, requiredKeys: 'all' | 'some') {
  const text = fc.oneof(hostileText, fc.uuid(), fc.constantFrom(...sources.tokens));
  const model = {
    email: hostileEmail(sources.emails),
    password: text,
    new_password: text,
    reset_token: text,
  };
  return requiredKeys === 'all' ? fc.record(model) : fc.record(model, { requiredKeys: [] });
}

const anyContentType = fc.oneof(
  fc.constantFrom(
    undefined,
    'application/json',
    'application/x-www-form-urlencoded',
    'APPLICATION/JSON; charset=utf-8',
    'application/vnd.api+json',
    'application/x-www-form-urlencoded; charset=latin1',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
    ';',
  ),
  hostileText,
);

interface Body {
  body: string | undefined;
  contentType: string | undefined;
}

/**
 * A body and its content type. Half are well-formed forms or JSON objects with every field (of
 * hostile values), so that requests get past parsing into the rules and the store; the rest is
 * anything: broken encodings, duplicated fields, JSON of other shapes, mismatched content types.
 */
function bodyArbitrary(sources: FieldSources): fc.Arbitrary<Body> {
  const complete = fieldsArbitrary(sources, 'all');
  const partial = fieldsArbitrary(sources, 'some');
  const wellFormed = fc.oneof(
    complete.map((f) => ({
      body: new URLSearchParams(f).toString(),
      contentType: 'application/x-www-form-urlencoded',
    })),
    complete.map((f) => ({ body: new URLSearchParams(f).toString(), contentType: undefined })),
    complete.map((f) => ({ body: JSON.stringify(f), contentType: 'application/json' })),
  );
  const anything = fc.record({
    body: fc.oneof(
      fc.constant(undefined),
      hostileText,
      partial.map((f) => new URLSearchParams(f).toString()),
      // The same field twice, or a field without a value.
      partial.map((f) => `${new URLSearchParams(f).toString()}&email=a@b.co&email=c@d.co`),
      fc.constantFrom('email', 'email=&password=', '&&&', '=x', 'email=%E0%A4%A'),
      partial.map((f) => JSON.stringify(f)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({ email: fc.jsonValue(), password: fc.jsonValue() }, { requiredKeys: [] })
        .map((f) => JSON.stringify(f)),
      fc.constantFrom('{', '{"email":', '[]', '"x"', '{"__proto__":{"email":"a@b.co"}}'),
    ),
    contentType: anyContentType,
  });
  return fc.oneof(wellFormed, anything);
}

function cookiesArbitrary(sources: FieldSources) {
  const value = fc.oneof(hostileText, fc.uuid(), fc.constantFrom(...sources.tokens));
  const pair = fc.oneof(
    value.map((v) => `session_id=${v}`),
    value.map((v) => `session_id="${v}"`),
    value,
    fc.tuple(value, value).map(([a, b]) => `session_id=${a}; session_id=${b}`),
    fc.constant(`session_id=${'a'.repeat(20_000)}`),
  );
  return fc.oneof(fc.constant(undefined), fc.array(pair, { maxLength: 5 }));
}

function headersArbitrary(sources: FieldSources) {
  return fc.dictionary(
    fc.oneof(
      fc.constantFrom('cookie', 'Cookie', 'Content-Type', 'content-length', 'x-forwarded-for'),
      fc.string({ maxLength: 10 }),
    ),
    fc.oneof(
      hostileText,
      fc.uuid().map((u) => `session_id=${u}`),
      fc.constantFrom(...sources.tokens),
    ),
    { maxKeys: 4 },
  );
}

export interface HostileRequest {
  options: Parameters<typeof httpEvent>[2];
  /** A body marked base64 that is not valid base64 (sent as is). */
  rawBase64?: string;
}

/** Everything hostile about one request, before it is put into an event. */
export function hostileRequest(sources: FieldSources) {
  return fc.record({
    options: fc
      .record({
        body: bodyArbitrary(sources),
        base64: fc.boolean(),
        cookies: cookiesArbitrary(sources),
        headers: headersArbitrary(sources),
      })
      .map(({ body, ...rest }) => ({ ...rest, ...body })),
    // Mostly absent: when present it replaces the body, so the body would rarely be seen.
    rawBase64: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 4 },
      { arbitrary: hostileText, weight: 1 },
    ),
  });
}

/** The event for a route: the options through httpEvent, then the raw base64 body if any. */
export function hostileEvent(route: RouteKey, request: HostileRequest): APIGatewayProxyEventV2 {
  const [method, path] = methodAndPath(route);
  const event = httpEvent(method, path, request.options);
  if (request.rawBase64 === undefined) return event;
  return { ...event, body: request.rawBase64, isBase64Encoded: true };
}
