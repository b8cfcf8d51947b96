import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { FieldNotString, MissingField } from './errors';
import { parseBody } from './body';

/**
 * The named fields of the request body, each a non-empty string, or a 400 naming the first
 * field that is missing, empty or not a string. `optional` fields may be absent (or empty, which
 * counts as absent); when given, they too must be strings.
 */
export async function readFields<const Name extends string, const Optional extends string = never>(
  event: APIGatewayProxyEventV2,
  names: readonly Name[],
  maxBodyBytes: number,
  optional: readonly Optional[] = [],
): Promise<Record<Name, string> & Partial<Record<Optional, string>>> {
  const body = await parseBody(event, maxBodyBytes);
  const fields = {} as Record<Name, string> & Partial<Record<Optional, string>>;
  const read = (name: Name | Optional): string | undefined => {
    const value = body.get(name);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new FieldNotString(name);
    return value;
  };
  for (const name of names) {
    const value = read(name);
    if (value === undefined) throw new MissingField(name);
    fields[name] = value as (typeof fields)[Name];
  }
  for (const name of optional) {
    const value = read(name);
    if (value !== undefined) fields[name] = value as (typeof fields)[Optional];
  }
  return fields;
}
