import { describe, expect, it } from 'vitest';
import {
  admittingRule,
  corsHeaders,
  parseCorsConfiguration,
  type CorsRule,
} from '../../../local/bucket-cors.ts';

/** S3's bucket CORS as the local runtime puts it in front of the emulator: the rules and how they answer. */

const uploadRule: CorsRule = {
  allowedOrigins: ['http://localhost:*'],
  allowedMethods: ['PUT'],
  allowedHeaders: ['content-type'],
  exposeHeaders: ['ETag'],
  maxAgeSeconds: 3600,
};

describe('reading a PutBucketCors body', () => {
  it('given the XML the SDK sends, when read, then every rule comes back with its lists', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<CORSRule><AllowedHeader>content-type</AllowedHeader><AllowedMethod>PUT</AllowedMethod>' +
      '<AllowedOrigin>http://localhost:*</AllowedOrigin><ExposeHeader>ETag</ExposeHeader>' +
      '<MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule>' +
      '<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>' +
      '</CORSConfiguration>';

    expect(parseCorsConfiguration(xml)).toEqual([
      uploadRule,
      { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
    ]);
  });
});

describe('which rule admits a request', () => {
  it('given an origin that the wildcard matches, a declared method and header in another case, then the rule admits it', () => {
    const request = { origin: 'http://localhost:3000', method: 'PUT', headers: ['Content-Type'] };

    expect(admittingRule([uploadRule], request)).toBe(uploadRule);
  });

  it.each([
    ['another origin', { origin: 'https://evil.example', method: 'PUT', headers: [] }],
    ['another method', { origin: 'http://localhost:3000', method: 'DELETE', headers: [] }],
    ['an undeclared header', { origin: 'http://localhost:3000', method: 'PUT', headers: ['x-amz-acl'] }],
  ])('given %s, then no rule admits it', (_case, request) => {
    expect(admittingRule([uploadRule], request)).toBeUndefined();
  });
});

describe('the headers of an admitted request', () => {
  it("given a preflight, then it names the origin, the rule's methods, the asked headers and the max age", () => {
    const headers = corsHeaders(uploadRule, 'http://localhost:3000', {
      method: 'PUT',
      headers: ['content-type'],
    });

    expect(headers).toMatchObject({
      'access-control-allow-origin': 'http://localhost:3000',
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '3600',
      'access-control-expose-headers': 'ETag',
    });
    expect(headers.vary).toContain('Origin');
  });

  it('given a rule for any origin and an actual request, then the origin is *, and no preflight headers', () => {
    const headers = corsHeaders({ ...uploadRule, allowedOrigins: ['*'] }, 'http://localhost:3000');

    expect(headers['access-control-allow-origin']).toBe('*');
    expect(headers).not.toHaveProperty('access-control-allow-methods');
  });
});
