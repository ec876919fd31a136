import { describe, expect, it, vi } from 'vitest';
import { originOf } from '../../../shared/http/request.ts';
import { parseRequest } from '../../../shared/http/request.ts';
import { anApiEvent } from '../../support/builders.ts';

describe("the service's public URL, where feeds and pages link to", () => {
  const behindCloudFront = parseRequest(
    anApiEvent({
      headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'x-forwarded-proto': 'https' },
    }),
  );

  it("given the deployment's SERVICE_URL, then that, whatever host the request reached", () => {
    expect(originOf(behindCloudFront, 'https://links.example.com')).toBe('https://links.example.com');
  });

  it('given no SERVICE_URL, then the scheme and host the request came with', () => {
    expect(originOf(behindCloudFront, undefined)).toBe('https://abc123.execute-api.us-east-1.amazonaws.com');
    expect(originOf(parseRequest(anApiEvent({ headers: { host: 'localhost:3000' } })), undefined)).toBe(
      'http://localhost:3000',
    );
  });

  it('given SERVICE_URL in the environment with a trailing slash, then the settings keep it without', async () => {
    vi.resetModules();
    vi.stubEnv('SERVICE_URL', 'https://links.example.com/');
    try {
      const { config } = await import('../../../shared/config.ts');
      expect(config().SERVICE_URL).toBe('https://links.example.com');
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it('given a SERVICE_URL that is not an http(s) URL, then the settings refuse it, naming it', async () => {
    vi.resetModules();
    vi.stubEnv('SERVICE_URL', 'javascript:alert(1)');
    try {
      const { config } = await import('../../../shared/config.ts');
      expect(() => config()).toThrow(/SERVICE_URL/);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
