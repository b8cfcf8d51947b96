/**
 * Form bodies, read as Flask's `request.form` reads them: url-encoded (HTML forms, `requests.post(
 * url, data=...)`) and multipart (`curl -F`, `requests.post(url, files=...)`, `FormData`).
 */
import { MalformedRequest } from './errors';

/** The fields by name. Two values for one field is ambiguous; refusing beats guessing which one was meant. */
function byName(entries: Iterable<readonly [string, string]>): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [name, value] of entries) {
    if (fields.has(name)) throw new MalformedRequest(`${name} is given more than once`);
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
 * A multipart/form-data body, parsed by the runtime's own parser (the fetch API's, so the bundle
 * carries no parser; docs/BENCHMARKS.md has the measurements). Files are refused: no route takes one.
 */
export async function parseMultipart(
  body: Uint8Array,
  contentType: string,
): Promise<Map<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new MalformedRequest('body is not valid multipart/form-data');
  }
  const pairs = [...form].map(([name, value]): [string, string] => {
    if (typeof value !== 'string') {
      throw new MalformedRequest(`${name} is a file: send it as a plain form field`);
    }
    return [name, value];
  });
  return byName(pairs);
}
