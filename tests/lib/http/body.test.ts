import { describe, expect, it } from 'vitest';
import { MalformedRequest, BodyTooLarge, UnsupportedMediaType } from '../../../lib/http/errors';
import { parseBody } from '../../../lib/http/body';
import { httpEvent } from '../../../scripts/support/events';

const LIMIT = 1024;
const fields = (event: ReturnType<typeof httpEvent>) => Object.fromEntries(parseBody(event, LIMIT));

describe('parseBody', () => {
  it('reads form-urlencoded bodies, plain or base64-encoded as API Gateway sends them', () => {
    const form = { email: 'a+b@example.com', password: 'p&ss=wörd' };
    expect(fields(httpEvent('POST', '/users', { form }))).toEqual(form);
    expect(fields(httpEvent('POST', '/users', { form, base64: true }))).toEqual(form);
  });

  it('reads JSON bodies, with or without a charset, and +json types', () => {
    const json = { email: 'a@example.com', password: 'secret' };
    expect(fields(httpEvent('POST', '/users', { json }))).toEqual(json);
    expect(
      fields(httpEvent('POST', '/users', { json, contentType: 'application/json; charset=utf-8' })),
    ).toEqual(json);
    expect(
      fields(httpEvent('POST', '/users', { json, contentType: 'application/merge-patch+json' })),
    ).toEqual(json);
  });

  it('reads a body without content type as a form, and an absent body as no fields', () => {
    expect(fields(httpEvent('POST', '/users', { body: 'email=a%40b.io' }))).toEqual({
      email: 'a@b.io',
    });
    expect(fields(httpEvent('POST', '/users'))).toEqual({});
  });

  it('refuses invalid JSON, non-object JSON and invalid UTF-8 with a 400', () => {
    for (const body of ['{', '[1]', '"text"', 'null']) {
      expect(() =>
        fields(httpEvent('POST', '/users', { body, contentType: 'application/json' })),
      ).toThrow(MalformedRequest);
    }
    const latin1 = {
      ...httpEvent('POST', '/users'),
      body: Buffer.from([0xff, 0xfe]).toString('base64'),
      isBase64Encoded: true,
    };
    expect(() => fields(latin1)).toThrow('body is not valid UTF-8');
  });

  it('refuses a field given twice rather than guessing', () => {
    const event = httpEvent('POST', '/users', { body: 'email=a@b.io&email=c@d.io' });
    expect(() => fields(event)).toThrow('email is given more than once');
  });

  it('answers 413 above the limit, counted in decoded bytes', () => {
    const big = 'x'.repeat(LIMIT + 1);
    expect(() => fields(httpEvent('POST', '/users', { form: { email: big } }))).toThrow(
      BodyTooLarge,
    );
    expect(() =>
      fields(httpEvent('POST', '/users', { form: { email: big }, base64: true })),
    ).toThrow(BodyTooLarge);
    // exactly at the limit is fine, also when base64 makes the raw text longer than the limit
    const atLimit = 'e='.concat('x'.repeat(LIMIT - 2));
    expect(fields(httpEvent('POST', '/users', { body: atLimit, base64: true })).e).toHaveLength(
      LIMIT - 2,
    );
  });

  it('answers 415 for other content types', () => {
    for (const contentType of [
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
    ]) {
      expect(() => fields(httpEvent('POST', '/users', { body: 'a=b', contentType }))).toThrow(
        UnsupportedMediaType,
      );
    }
  });
});
