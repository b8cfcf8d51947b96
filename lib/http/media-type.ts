import { UnsupportedMediaType } from './errors';

/** A Content-Type header's media type, lower-cased, and its parameters (names lower-cased). */
export interface MediaType {
  type: string;
  parameters: Map<string, string>;
}

/** The header's media type and parameters; an empty type when there is no header. */
export function parseMediaType(header: string | undefined): MediaType {
  const [type = '', ...rest] = (header ?? '').split(';');
  const parameters = new Map<string, string>();
  for (const parameter of rest) {
    const separator = parameter.indexOf('=');
    if (separator === -1) continue;
    const name = parameter.slice(0, separator).trim().toLowerCase();
    const value = parameter
      .slice(separator + 1)
      .trim()
      .replace(/^"(.*)"$/u, '$1');
    parameters.set(name, value);
  }
  return { type: type.trim().toLowerCase(), parameters };
}

/**
 * Bodies are read as UTF-8 and nothing else: a body declared in another charset is refused rather
 * than read wrongly, since two byte sequences read as one text would let two passwords open one
 * account.
 */
export function requireUtf8(mediaType: MediaType): void {
  const charset = mediaType.parameters.get('charset')?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaType('charset must be UTF-8');
  }
}
