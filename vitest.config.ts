import { defineConfig } from 'vitest/config';

/**
 * Five levels of tests:
 * - unit: cores, handlers and adapters, with the AWS SDK mocked (aws-sdk-client-mock);
 * - integration: storage code against real DynamoDB Local and the SQS/S3 emulator;
 * - e2e: HTTP against the local runtime;
 * - infra: CDK assertions on the synthesized template;
 * - browser: the web client in a real browser (Debian's Chromium), against the local runtime;
 * and a project of their own for the slow tests that start and stop engines themselves (restarts, a killed
 * `npm start`): `npm test` runs them too, with timeouts that allow Java several slow starts.
 */
export default defineConfig({
  test: {
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // No EMF lines among the test output (test/unit/observability turns them on to read them); no tracing.
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_REGION: 'us-east-1',
      // The link checker in tests: new links are not queued for checks (so that tests see their links stay
      // `pending`), and it never leaves the machine, even where a test turns checks on: it fetches only addresses
      // on LINK_CHECKER_ALLOW_HOSTS (empty unless a test sets it, as test/e2e/checker.test.ts does for its own
      // server on 127.0.0.1) and resolves no name but `localhost`.
      LINK_CHECKS_ENABLED: 'false',
      LINK_CHECKER_ALLOWLIST_ONLY: 'true',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-engines.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-engines.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The web client in Debian's Chromium (playwright-core), against the local runtime serving its build.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-engines.ts', 'test/browser/support/build-web-client.ts'],
          // axe alone takes seconds per page on a busy machine.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time: Chromium is the heaviest thing a test run starts.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: ['test/slow/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          // One worker that keeps its modules between files, so that each stage is synthesized once per run
          // (test/infra/support.ts caches the stacks), not once per file.
          isolate: false,
          fileParallelism: false,
        },
      },
    ],
  },
});
