import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { FieldNotString, MissingField } from './errors';
import { parseBody } from './body';

/**
 * The named fields of the request body, each a non-empty string, or a 400 naming the first
 * field that is missing, empty or not a string.
 */
export async function readFields<const Name extends string>(
  event: APIGatewayProxyEventV2,
  names: readonly Name[],
  maxBodyBytes: number,
): Promise<Record<Name, string>> {
  const body = await parseBody(event, maxBodyBytes);
  const fields = {} as Record<Name, string>;
  for (const name of names) {
    const value = body.get(name);
    if (value === undefined || value === null || value === '') {
      throw new MissingField(name);
    }
    if (typeof value !== 'string') throw new FieldNotString(name);
    fields[name] = value;
  }
  return fields;
}
