/**
 * `npm run docs`: docs/openapi.yaml as one static page, docs/api.html. Plain HTML and inline CSS:
 * it needs no JavaScript and requests nothing from anywhere, so it reads offline (Redoc's page
 * renders most of itself with JavaScript and loads its logo and icons from Redocly's CDN).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Node = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The markdown the document uses: `code`, and paragraphs (`prose`). */
function inline(text: string): string {
  return escape(text.trim()).replace(/`([^`]+)`/gu, '<code>$1</code>');
}

function prose(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text
    .split(/\n\s*\n/u)
    .map((paragraph) => `<p>${inline(paragraph)}</p>`)
    .join('\n');
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function asNode(value: unknown): Node {
  return typeof value === 'object' && value !== null ? (value as Node) : {};
}

class Page {
  constructor(private readonly doc: Node) {}

  /** A node with its `$ref` followed (the document's own, `#/...`), its siblings kept. */
  private deref(value: unknown): Node {
    const node = asNode(value);
    if (typeof node.$ref !== 'string') return node;
    const target = node.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => asNode(at)[key], this.doc);
    const siblings = Object.fromEntries(Object.entries(node).filter(([key]) => key !== '$ref'));
    return { ...this.deref(target), ...siblings };
  }

  private type(schema: Node): string {
    const parts = [
      typeof schema.type === 'string' ? schema.type : 'any',
      typeof schema.format === 'string' ? `(${schema.format})` : '',
      schema.const === undefined ? '' : `= <code>${escape(JSON.stringify(schema.const))}</code>`,
      typeof schema.pattern === 'string' ? `matching <code>${escape(schema.pattern)}</code>` : '',
      typeof schema.minLength === 'number' ? `at least ${schema.minLength} character` : '',
    ];
    return parts.filter(Boolean).join(' ');
  }

  private schema(value: unknown): string {
    const schema = this.deref(value);
    if (Array.isArray(schema.oneOf)) {
      const options = schema.oneOf.map((option) => {
        const title = escape(text(this.deref(option).title));
        return `<li>${title}${this.schema(option)}</li>`;
      });
      return `<p>One of:</p><ul>${options.join('')}</ul>`;
    }
    if (schema.type !== 'object') return `<p>${this.type(schema)}</p>${prose(schema.description)}`;
    const required = new Set(schema.required as string[] | undefined);
    const rows = Object.entries(asNode(schema.properties)).map(([name, property]) => {
      const field = this.deref(property);
      return (
        `<tr><td><code>${escape(name)}</code>${required.has(name) ? ' <em>required</em>' : ''}</td>` +
        `<td>${this.type(field)}</td><td>${inline(text(field.description))}</td></tr>`
      );
    });
    return `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`;
  }

  /** Media types that share a schema are shown once: the request bodies are forms or JSON. */
  private content(value: unknown): string {
    const groups = new Map<string, { types: string[]; media: Node }>();
    for (const [type, media] of Object.entries(asNode(value))) {
      const key = JSON.stringify(asNode(media).schema);
      const group = groups.get(key) ?? { types: [], media: asNode(media) };
      group.types.push(`<code>${escape(type)}</code>`);
      groups.set(key, group);
    }
    return [...groups.values()]
      .map(({ types, media }) => {
        const samples = [
          ...(media.example === undefined ? [] : [['example', media.example]]),
          ...Object.values(asNode(media.examples)).map((e) => [asNode(e).summary, asNode(e).value]),
        ].map(
          ([title, sample]) =>
            `<p>${escape(String(title))}:</p><pre>${escape(JSON.stringify(sample, null, 2))}</pre>`,
        );
        return `<h5>${types.join(' or ')}</h5>${this.schema(media.schema)}${samples.join('')}`;
      })
      .join('');
  }

  private response(status: string, value: unknown): string {
    const response = this.deref(value);
    const headers = Object.entries(asNode(response.headers)).map(([name, header]) => {
      const h = this.deref(header);
      const about = typeof h.description === 'string' ? ` (${inline(h.description)})` : '';
      return `<li><code>${escape(name)}</code>: ${this.type(this.deref(h.schema))}${about}</li>`;
    });
    return (
      `<h4 class="status s${status[0] ?? ''}">${escape(status)}</h4>${prose(response.description)}` +
      (headers.length > 0 ? `<ul class="headers">${headers.join('')}</ul>` : '') +
      this.content(response.content)
    );
  }

  private operation(method: string, path: string, value: unknown): string {
    const op = asNode(value);
    const id = escape(String(op.operationId));
    const cookie = Array.isArray(op.security) && op.security.length > 0;
    const body = this.deref(op.requestBody);
    return (
      `<section id="${id}"><h3><span class="method">${method.toUpperCase()}</span> ` +
      `<code>${escape(path)}</code> ${escape(text(op.summary))}</h3>${prose(op.description)}` +
      (cookie ? '<p>Needs the <code>session_id</code> cookie.</p>' : '') +
      (body.content === undefined ? '' : `<h4>Request body</h4>${this.content(body.content)}`) +
      Object.entries(asNode(op.responses))
        .map(([status, response]) => this.response(status, response))
        .join('') +
      '</section>'
    );
  }

  private operations(): [tag: string, html: string, link: string][] {
    return Object.entries(asNode(this.doc.paths)).flatMap(([path, item]) =>
      METHODS.filter((method) => method in asNode(item)).map((method): [string, string, string] => {
        const op = asNode(asNode(item)[method]);
        const link = `<a href="#${escape(String(op.operationId))}">${method.toUpperCase()} ${escape(path)}</a>`;
        return [
          String((op.tags as string[] | undefined)?.[0]),
          this.operation(method, path, op),
          link,
        ];
      }),
    );
  }

  render(): string {
    const info = asNode(this.doc.info);
    const operations = this.operations();
    const tags = (this.doc.tags as Node[]).map((tag) => {
      const mine = operations.filter(([name]) => name === tag.name);
      return {
        nav: `<li>${escape(String(tag.name))}<ul>${mine.map(([, , link]) => `<li>${link}</li>`).join('')}</ul></li>`,
        body: `<h2>${escape(String(tag.name))}</h2>${prose(tag.description)}${mine.map(([, html]) => html).join('')}`,
      };
    });
    const title = `${escape(String(info.title))} ${escape(String(info.version))}`;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222;display:flex}
nav{position:sticky;top:0;height:100vh;overflow:auto;min-width:15em;padding:1em;background:#f4f4f6}
nav ul{list-style:none;padding-left:.8em}main{max-width:60em;padding:1em 2em}
code,pre{font-family:ui-monospace,monospace;background:#f4f4f6}pre{padding:.5em;overflow:auto}
section{border-top:1px solid #ddd;margin-top:1.5em}.method{color:#fff;background:#555;padding:0 .4em}
.status{margin-bottom:0}.s2{color:#176}.s3{color:#158}.s4{color:#a50}.s5{color:#a22}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;vertical-align:top;text-align:left}
td p{margin:0}
</style></head>
<body><nav><strong>${title}</strong><ul>${tags.map((tag) => tag.nav).join('')}</ul></nav>
<main><h1>${title}</h1><p><em>${escape(text(info.summary))}</em></p>${prose(info.description)}
${tags.map((tag) => tag.body).join('\n')}
</main></body></html>
`;
  }
}

/** docs/openapi.yaml (or the document at `path`) as one static HTML page. */
export function renderApiDocs(path = join(__dirname, 'openapi.yaml')): string {
  return new Page(parse(readFileSync(path, 'utf8')) as Node).render();
}

if (require.main === module) {
  const output = process.argv[2] ?? join(__dirname, 'api.html');
  writeFileSync(output, renderApiDocs());
}
