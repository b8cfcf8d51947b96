import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A request header by name, whatever its case (serverless-offline keeps the client's case). */
export function readHeader(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}
