import { vi } from 'vitest';

/**
 * What the process writes to stdout and stderr (where the Logger writes its JSON lines), captured instead of
 * printed; with the table and key variables the functions under test read. Call in a beforeEach; undo with
 * vi.restoreAllMocks() and vi.unstubAllEnvs().
 */
export function captureFunctionOutput(logLevel: string): string[] {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', logLevel);
  vi.stubEnv('LINKS_TABLE', 'links');
  vi.stubEnv('USERS_TABLE', 'users');
  vi.stubEnv('PAGE_TOKEN_SECRET', 'a-test-key-of-at-least-thirty-two-characters');
  const written: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  }
  return written;
}
