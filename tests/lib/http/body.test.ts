import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MalformedRequest, BodyTooLarge, UnsupportedMediaType } from '../../../lib/http/errors';
import { parseBody } from '../../../lib/http/body';
import { httpEvent, multipartBody } from '../../support/events';

const LIMIT = 1024;
const fields = async (event: APIGatewayProxyEventV2) =>
  Object.fromEntries(await parseBody(event, LIMIT));

/** An event whose body is these bytes, as API Gateway passes a body it base64-encoded. */
function bytesEvent(bytes: Buffer, contentType?: string): APIGatewayProxyEventV2 {
  return {
    ...httpEvent('POST', '/users', contentType === undefined ? {} : { contentType }),
    body: bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

/** The bytes and content type fetch sends for a FormData, as a browser's `new FormData(form)`. */
async function encoded(form: FormData): Promise<[Buffer, string]> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return [Buffer.from(await request.arrayBuffer()), request.headers.get('content-type') ?? ''];
}

describe('parseBody', () => {
  it('reads form-urlencoded bodies, plain or base64-encoded as API Gateway sends them', async () => {
    const form = { email: 'a+b@example.com', password: 'p&ss=wörd' };
    expect(await fields(httpEvent('POST', '/users', { form }))).toEqual(form);
    expect(await fields(httpEvent('POST', '/users', { form, base64: true }))).toEqual(form);
    expect(
      await fields(
        httpEvent('POST', '/users', {
          body: 'a=1+2&&b&c=%2B',
          contentType: 'application/x-www-form-urlencoded',
        }),
      ),
    ).toEqual({ a: '1 2', b: '', c: '+' });
  });

  it('reads JSON bodies, with or without a charset, and +json types', async () => {
    const json = { email: 'a@example.com', password: 'secret' };
    expect(await fields(httpEvent('POST', '/users', { json }))).toEqual(json);
    expect(
      await fields(
        httpEvent('POST', '/users', { json, contentType: 'application/json; charset=utf-8' }),
      ),
    ).toEqual(json);
    expect(
      await fields(
        httpEvent('POST', '/users', { json, contentType: 'application/merge-patch+json' }),
      ),
    ).toEqual(json);
  });

  it('reads multipart/form-data as curl -F, requests files= and a browser FormData send it', async () => {
    const sent = { email: 'a+b@example.com', password: 'p&ss=wörd "quoted"' };
    expect(await fields(httpEvent('POST', '/users', { multipart: sent }))).toEqual(sent);
    const form = new FormData();
    form.set('email', sent.email);
    form.set('password', sent.password);
    expect(await fields(bytesEvent(...(await encoded(form))))).toEqual(sent);
    // The same body as text (not base64-encoded), and no charset, is read alike.
    const { body, contentType } = multipartBody(sent);
    expect(await fields(httpEvent('POST', '/users', { body, contentType, base64: false }))).toEqual(
      sent,
    );
  });

  it('refuses multipart files, fields given twice and broken bodies with a 400 that says so', async () => {
    const withFile = new FormData();
    withFile.set('email', 'a@example.com');
    withFile.set('password', new Blob(['secret']), 'password.txt');
    await expect(fields(bytesEvent(...(await encoded(withFile))))).rejects.toThrow(
      'password is a file: send it as a plain form field',
    );
    const twice = new FormData();
    twice.append('email', 'a@example.com');
    twice.append('email', 'b@example.com');
    await expect(fields(bytesEvent(...(await encoded(twice))))).rejects.toThrow(
      'email is given more than once',
    );
    for (const [body, contentType] of [
      [
        '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nno end',
        'multipart/form-data; boundary=x',
      ],
      ['email=a@example.com', 'multipart/form-data'],
      [
        '--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n',
        'multipart/form-data; boundary=x',
      ],
    ] as const) {
      await expect(fields(httpEvent('POST', '/users', { body, contentType }))).rejects.toThrow(
        'body is not valid multipart/form-data',
      );
    }
  });

  it('applies the size limit before parsing a multipart body', async () => {
    // Broken as multipart, but over the limit: the limit answers first.
    const event = httpEvent('POST', '/users', {
      body: 'x'.repeat(LIMIT + 1),
      contentType: 'multipart/form-data; boundary=x',
    });
    await expect(fields(event)).rejects.toBeInstanceOf(BodyTooLarge);
  });

  it('reads a body without content type as JSON; no body is no fields', async () => {
    const json = { email: 'a@example.com', password: 'secret' };
    expect(await fields(httpEvent('POST', '/users', { body: JSON.stringify(json) }))).toEqual(json);
    // API Gateway base64-encodes a body that has no content type.
    expect(await fields(bytesEvent(Buffer.from(JSON.stringify(json))))).toEqual(json);
    await expect(fields(httpEvent('POST', '/users', { body: 'email=a%40b.io' }))).rejects.toThrow(
      'body is not valid JSON',
    );
    expect(await fields(httpEvent('POST', '/users'))).toEqual({});
  });

  it('refuses invalid JSON and non-object JSON with a 400', async () => {
    for (const body of ['{', '[1]', '"text"', 'null']) {
      await expect(
        fields(httpEvent('POST', '/users', { body, contentType: 'application/json' })),
      ).rejects.toThrow(MalformedRequest);
    }
  });

  it.each([
    ['application/x-www-form-urlencoded', 'email=a%40b.io&password='],
    ['application/json', '{"email":"a@b.io","password":"'],
    [
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="password"\r\n\r\n',
    ],
  ])(
    'refuses bytes that are not UTF-8 in a %s body, whichever way they arrive',
    async (type, head) => {
      const tail = type.startsWith('application/json')
        ? '"}'
        : type.startsWith('multipart')
          ? '\r\n--b--\r\n'
          : '';
      for (const invalid of [[0xff], [0xc3], [0xed, 0xa0, 0x80]]) {
        // API Gateway base64-encodes the bytes as they came ...
        const bytes = Buffer.concat([Buffer.from(head), Buffer.from(invalid), Buffer.from(tail)]);
        await expect(fields(bytesEvent(bytes, type))).rejects.toThrow('body is not valid UTF-8');
      }
      // ... a gateway that decodes a text body leniently first leaves U+FFFD in their place.
      const lenient = `${head}\uFFFD${tail}`;
      await expect(
        fields(httpEvent('POST', '/users', { body: lenient, contentType: type })),
      ).rejects.toThrow('body is not valid UTF-8');
    },
  );

  it('refuses percent-escapes that are malformed or not UTF-8, where URLSearchParams guessed', async () => {
    for (const body of [
      'password=%FF',
      'password=%C3',
      'password=%zz',
      'password=100%',
      'p%FF=x',
    ]) {
      await expect(
        fields(
          httpEvent('POST', '/users', { body, contentType: 'application/x-www-form-urlencoded' }),
        ),
      ).rejects.toThrow('form body has a percent-escape that is malformed or not UTF-8');
    }
    // U+FFFD sent on purpose, escaped, is a character like any other.
    expect(
      await fields(
        httpEvent('POST', '/users', {
          body: 'password=%EF%BF%BD',
          contentType: 'application/x-www-form-urlencoded',
        }),
      ),
    ).toEqual({ password: '\uFFFD' });
  });

  it('reads UTF-8 only: another charset is a 415 that says so', async () => {
    for (const contentType of [
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'application/json; charset=utf-16',
      'multipart/form-data; boundary=x; charset=windows-1252',
    ]) {
      await expect(
        fields(httpEvent('POST', '/users', { body: 'a=b', contentType })),
      ).rejects.toThrow(new UnsupportedMediaType('charset must be UTF-8'));
    }
    for (const contentType of [
      'application/x-www-form-urlencoded;charset=UTF-8',
      'application/x-www-form-urlencoded; charset="utf-8"',
    ]) {
      expect(await fields(httpEvent('POST', '/users', { body: 'a=b', contentType }))).toEqual({
        a: 'b',
      });
    }
  });

  it('refuses a field given twice rather than guessing', async () => {
    const event = httpEvent('POST', '/users', {
      body: 'email=a@b.io&email=c@d.io',
      contentType: 'application/x-www-form-urlencoded',
    });
    await expect(fields(event)).rejects.toThrow('email is given more than once');
  });

  it('answers 413 above the limit, counted in decoded bytes', async () => {
    const big = 'x'.repeat(LIMIT + 1);
    await expect(fields(httpEvent('POST', '/users', { form: { email: big } }))).rejects.toThrow(
      BodyTooLarge,
    );
    await expect(
      fields(httpEvent('POST', '/users', { form: { email: big }, base64: true })),
    ).rejects.toThrow(BodyTooLarge);
    // exactly at the limit is fine, also when base64 makes the raw text longer than the limit
    const atLimit = 'e='.concat('x'.repeat(LIMIT - 2));
    const event = httpEvent('POST', '/users', {
      body: atLimit,
      contentType: 'application/x-www-form-urlencoded',
      base64: true,
    });
    expect((await fields(event)).e).toHaveLength(LIMIT - 2);
  });

  it('answers 415 for other content types', async () => {
    for (const contentType of ['text/plain', 'application/xml', 'application/octet-stream']) {
      await expect(
        fields(httpEvent('POST', '/users', { body: 'a=b', contentType })),
      ).rejects.toThrow(UnsupportedMediaType);
    }
  });
});
