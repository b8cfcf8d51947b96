import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { HttpResponse } from '../../lib/http/response';

/** The parts of an OpenAPI 3.1 document these checks read. */
interface Reference {
  $ref: string;
}
interface Header {
  required?: boolean;
  schema: object;
}
interface MediaType {
  schema: object;
}
interface ResponseObject {
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
}
interface Operation {
  requestBody?: { content: Record<string, MediaType> } | Reference;
  responses: Record<string, ResponseObject | Reference>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const DOCUMENT_ID = 'openapi';

export const openapiPath = join(__dirname, '..', '..', 'docs', 'openapi.yaml');

function isReference(value: object): value is Reference {
  return '$ref' in value;
}

function pointerPart(part: string): string {
  return part.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * docs/openapi.yaml, with checks that a real answer of a handler is one it describes: the status,
 * each header (required ones present, none undocumented, values matching their schema) and the
 * JSON body, validated with ajv against the document's own JSON Schemas (OpenAPI 3.1 uses JSON
 * Schema 2020-12).
 */
export class OpenApiContract {
  readonly document: Document;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(path = openapiPath) {
    this.document = parse(readFileSync(path, 'utf8')) as Document;
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(this.ajv);
    // The document's own keywords are not JSON Schema: declared so that strict mode accepts the
    // document as the root that every `$ref` below points into.
    this.ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
    this.ajv.addSchema(this.document, DOCUMENT_ID);
  }

  /** Every route the document describes, as `METHOD /path`. */
  routes(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /** Every answer the document describes, as `METHOD /path status`. */
  answers(): string[] {
    return this.routes().flatMap((route) =>
      Object.keys(this.operation(route).responses).map((status) => `${route} ${status}`),
    );
  }

  /** What in `response` the document does not describe for `route`; empty when all of it is. */
  responseProblems(route: string, response: HttpResponse): string[] {
    const status = String(response.statusCode);
    const found = this.operation(route).responses[status];
    if (found === undefined) return [`${route}: status ${status} is not documented`];
    return this.answerProblems(
      `${route} ${status}`,
      found,
      `${this.operationPointer(route)}/responses/${status}`,
      response,
    );
  }

  /**
   * What in `response` the named answer of `components.responses` does not describe: for the
   * answers to requests that no path matches (API Gateway's $default route).
   */
  componentResponseProblems(name: string, response: HttpResponse): string[] {
    const pointer = `#/components/responses/${pointerPart(name)}`;
    return this.answerProblems(name, { $ref: pointer }, pointer, response);
  }

  private answerProblems(
    where: string,
    found: ResponseObject | Reference,
    foundPointer: string,
    response: HttpResponse,
  ): string[] {
    const [answer, pointer] = this.resolve<ResponseObject>(found, foundPointer);
    return [
      ...this.headerProblems(where, answer, pointer, response),
      ...this.bodyProblems(where, answer, pointer, response),
    ];
  }

  /** What in a request body the document does not describe for `route`. */
  requestProblems(route: string, contentType: string, fields: unknown): string[] {
    const body = this.operation(route).requestBody;
    if (body === undefined) return [`${route}: takes no request body`];
    const [resolved, pointer] = this.resolve(body, `${this.operationPointer(route)}/requestBody`);
    if (resolved.content[contentType] === undefined) {
      return [`${route}: request content type ${contentType} is not documented`];
    }
    return this.schemaProblems(
      `${route} request`,
      `${pointer}/content/${pointerPart(contentType)}/schema`,
      fields,
    );
  }

  private operation(route: string): Operation {
    const [method = '', path = ''] = route.split(' ');
    const operation = this.document.paths[path]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`${route} is not in the document`);
    return operation;
  }

  private operationPointer(route: string): string {
    const [method = '', path = ''] = route.split(' ');
    return `#/paths/${pointerPart(path)}/${method.toLowerCase()}`;
  }

  /** Follows a local `$ref` (the document uses no others) and says where the target lives. */
  private resolve<T extends object>(value: T | Reference, pointer: string): [T, string] {
    if (!isReference(value)) return [value, pointer];
    const target = value.$ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown> | undefined)?.[part],
        this.document,
      );
    if (target === undefined) throw new Error(`unresolved reference ${value.$ref}`);
    return this.resolve(target as T | Reference, value.$ref);
  }

  private headerProblems(
    where: string,
    answer: ResponseObject,
    pointer: string,
    response: HttpResponse,
  ): string[] {
    const documented = new Map(
      Object.entries(answer.headers ?? {}).map(([name, header]) => [
        name.toLowerCase(),
        this.resolve<Header>(header, `${pointer}/headers/${pointerPart(name)}`),
      ]),
    );
    // API Gateway turns `cookies` into one Set-Cookie header each.
    const actual: [string, string][] = [
      ...Object.entries(response.headers ?? {}).map(([n, v]): [string, string] => [
        n.toLowerCase(),
        String(v),
      ]),
      ...(response.cookies ?? []).map((cookie): [string, string] => ['set-cookie', cookie]),
    ];
    const problems: string[] = [];
    for (const [name, value] of actual) {
      // OpenAPI describes Content-Type through `content`, not as a header (checked with the body).
      if (name === 'content-type') continue;
      const entry = documented.get(name);
      if (entry === undefined) {
        problems.push(`${where}: header ${name} is not documented`);
        continue;
      }
      const [, headerPointer] = entry;
      problems.push(
        ...this.schemaProblems(`${where} header ${name}`, `${headerPointer}/schema`, value),
      );
    }
    for (const [name, [header]] of documented) {
      if (header.required === true && !actual.some(([actualName]) => actualName === name)) {
        problems.push(`${where}: required header ${name} is missing`);
      }
    }
    return problems;
  }

  private bodyProblems(
    where: string,
    answer: ResponseObject,
    pointer: string,
    response: HttpResponse,
  ): string[] {
    const contentType = Object.entries(response.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'content-type',
    )?.[1];
    const mediaType =
      String(contentType ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    if (answer.content === undefined) {
      return response.body ? [`${where}: a body is not documented`] : [];
    }
    if (answer.content[mediaType] === undefined) {
      return [`${where}: content type "${mediaType}" is not documented`];
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body ?? '');
    } catch {
      return [`${where}: the body is not JSON`];
    }
    return this.schemaProblems(
      `${where} body`,
      `${pointer}/content/${pointerPart(mediaType)}/schema`,
      body,
    );
  }

  private schemaProblems(where: string, pointer: string, value: unknown): string[] {
    let validate = this.validators.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${where}${error.instancePath} ${error.message ?? 'is invalid'}`,
    );
  }
}
