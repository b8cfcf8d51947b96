import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BodyTooLarge, MalformedRequest, UnsupportedMediaType } from './errors';
import { readHeader } from './headers';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bodyText(event: APIGatewayProxyEventV2, maxBytes: number): string {
  const raw = event.body ?? '';
  // Checked before decoding too, so an enormous body is refused without being copied.
  if (raw.length > (event.isBase64Encoded ? Math.ceil(maxBytes / 3) * 4 : maxBytes)) {
    throw new BodyTooLarge(maxBytes);
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new BodyTooLarge(maxBytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedRequest('body is not valid UTF-8');
  }
}

function parseJson(text: string): Map<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedRequest('body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedRequest('JSON body must be an object');
  }
  return new Map(Object.entries(parsed));
}

function parseForm(text: string): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [name, value] of new URLSearchParams(text)) {
    // Two values for one field is ambiguous; refusing beats guessing which one was meant.
    if (fields.has(name)) throw new MalformedRequest(`${name} is given more than once`);
    fields.set(name, value);
  }
  return fields;
}

/**
 * The fields of a form-urlencoded or JSON body, base64-decoded first when API Gateway encoded it.
 * A body without a content type is read as a form, as Flask's `request.form` would.
 */
export function parseBody(event: APIGatewayProxyEventV2, maxBytes: number): Map<string, unknown> {
  const text = bodyText(event, maxBytes);
  const mediaType = (readHeader(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType?.endsWith('+json')) return parseJson(text);
  if (mediaType === '' || mediaType === 'application/x-www-form-urlencoded') return parseForm(text);
  throw new UnsupportedMediaType();
}
