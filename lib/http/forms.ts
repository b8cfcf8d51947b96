/**
 * Form bodies, read as Flask's `request.form` reads them: url-encoded (HTML forms, `requests.post(
 * url, data=...)`) and multipart (`curl -F`, `requests.post(url, files=...)`, `FormData`).
 */
import { FileField, MalformedRequest, RepeatedField } from './errors';

/** The fields by name. Two values for one field is ambiguous; refusing beats guessing which one was meant. */
function byName(entries: Iterable<readonly [string, string]>): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [name, value] of entries) {
    if (fields.has(name)) throw new RepeatedField(name);
    fields.set(name, value);
  }
  return fields;
}

// URLSearchParams would turn `%FF` into U+FFFD and keep `%zz` as typed, so two different bodies
// could give one password; decodeURIComponent refuses both.
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new MalformedRequest('form body has a percent-escape that is malformed or not UTF-8');
  }
}

/** An application/x-www-form-urlencoded body, with its escapes decoded strictly. */
export function parseUrlEncoded(text: string): Map<string, unknown> {
  const pairs = text
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair): [string, string] => {
      const separator = pair.indexOf('=');
      return separator === -1
        ? [decodeComponent(pair), '']
        : [decodeComponent(pair.slice(0, separator)), decodeComponent(pair.slice(separator + 1))];
    });
  return byName(pairs);
}

/**
 * A multipart/form-data body, parsed with @fastify/busboy (the parser Node's fetch maintainers
 * recommend for servers; docs/BENCHMARKS.md has the measurements). Files are refused: no route
 * takes one.
 */
export async function parseMultipart(
  body: Uint8Array,
  contentType: string,
): Promise<Map<string, unknown>> {
  // Loaded by the first multipart body, so cold starts and other bodies never pay for it.
  const { Busboy } = await import('@fastify/busboy');
  const pairs: [string | undefined, string][] = [];
  const files: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const parser = Busboy({ headers: { 'content-type': contentType } });
      parser.on('field', (name, value) => pairs.push([name, value]));
      parser.on('file', (name, stream) => {
        files.push(name);
        stream.resume();
      });
      parser.on('error', reject);
      parser.on('finish', resolve);
      parser.end(body);
    });
  } catch {
    // Also a missing boundary, which Busboy throws as it is created.
    throw new MalformedRequest('body is not valid multipart/form-data');
  }
  const [file] = files;
  if (file !== undefined) {
    throw new FileField(file);
  }
  const named = pairs.filter((pair): pair is [string, string] => typeof pair[0] === 'string');
  // A part without a name (Busboy lets it through) belongs to no field.
  if (named.length < pairs.length)
    throw new MalformedRequest('body is not valid multipart/form-data');
  return byName(named);
}
