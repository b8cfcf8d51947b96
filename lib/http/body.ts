import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BodyTooLarge, MalformedRequest, UnsupportedMediaType } from './errors';
import { parseMultipart, parseUrlEncoded } from './forms';
import { readHeader } from './headers';
import { parseMediaType, requireUtf8 } from './media-type';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body's bytes, base64-decoded when API Gateway encoded it; BodyTooLarge before any parsing. */
function bodyBytes(event: APIGatewayProxyEventV2, maxBytes: number): Buffer {
  const raw = event.body ?? '';
  // Checked before decoding too, so an enormous body is refused without being copied.
  if (raw.length > (event.isBase64Encoded ? Math.ceil(maxBytes / 3) * 4 : maxBytes)) {
    throw new BodyTooLarge(maxBytes);
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new BodyTooLarge(maxBytes);
  return bytes;
}

/**
 * The body as UTF-8 text, strictly. U+FFFD is refused as well: it is what a gateway that decoded
 * a text body leniently (API Gateway passes JSON bodies as text) leaves where the bytes were not
 * UTF-8, so a body holding it may not be what the client sent.
 */
function bodyText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new MalformedRequest('body is not valid UTF-8');
  }
  if (text.includes('\uFFFD')) throw new MalformedRequest('body is not valid UTF-8');
  return text;
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

function isJson(type: string): boolean {
  // No content type at all is read as JSON, the other body the service reads (README, "Routes").
  return type === '' || type === 'application/json' || type.endsWith('+json');
}

/**
 * The fields of a form-urlencoded, multipart or JSON body, base64-decoded first when API Gateway
 * encoded it. The size limit holds before any parsing; the text must be UTF-8.
 */
export async function parseBody(
  event: APIGatewayProxyEventV2,
  maxBytes: number,
): Promise<Map<string, unknown>> {
  const bytes = bodyBytes(event, maxBytes);
  const contentType = readHeader(event, 'content-type');
  const mediaType = parseMediaType(contentType);
  requireUtf8(mediaType);
  if (mediaType.type === 'multipart/form-data') {
    const fields = await parseMultipart(bytes, contentType ?? '');
    // With files refused, every byte is part names and values: all of it must be UTF-8.
    bodyText(bytes);
    return fields;
  }
  if (mediaType.type === 'application/x-www-form-urlencoded') {
    return parseUrlEncoded(bodyText(bytes));
  }
  if (isJson(mediaType.type)) return bytes.length === 0 ? new Map() : parseJson(bodyText(bytes));
  throw new UnsupportedMediaType();
}
