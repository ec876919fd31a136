import './process-environment.ts';
import { LocalSetupError } from './engines.ts';
import { startRuntime } from './runtime.ts';
import { ensureWebClientBuilt, WEB_CLIENT_BUILD } from './web-client.ts';

/**
 * `npm start`: the whole service on localhost.
 *   PORT (3000), DATA_DIR (.data), IN_MEMORY=true or --in-memory for a throwaway run,
 *   DYNAMODB_PORT (8000), FAUXQS_PORT (4566).
 */
const inMemory = process.argv.includes('--in-memory') || process.env.IN_MEMORY === 'true';
const dataDir = inMemory ? undefined : (process.env.DATA_DIR ?? '.data');
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, not "${process.env[name]}".`);
    process.exit(2);
  }
  return value;
};

try {
  if (await ensureWebClientBuilt()) console.log('Built the web client (web/ into build/web/).');
  const runtime = await startRuntime({
    port: number('PORT', 3000),
    dataDir,
    dynamoDbPort: number('DYNAMODB_PORT', 8000),
    queuesPort: number('FAUXQS_PORT', 4566),
    webClientBuild: WEB_CLIENT_BUILD,
  });
  const url = runtime.url;
  console.log(
    process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET
      ? `GitHub login: open ${url}/login in a browser (callback ${process.env.GITHUB_CALLBACK_URL}).`
      : 'GitHub login: not configured (set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, see the README); ' +
          'POST /dev/login works without it.',
  );
  console.log(`
Delinkcious is running.

  Web client     ${url}   (sign in with any username on this local runtime)
  API            ${url}   (docs: ${url}/docs, OpenAPI: ${url}/openapi.json)
  DynamoDB Local ${runtime.dynamoDbEndpoint}   tables: ${Object.values(runtime.tableNames).join(', ')}
  SQS + S3       ${runtime.queuesEndpoint}
  Data           ${dataDir ? `${dataDir}/ (kept across restarts)` : 'in memory (gone when you stop)'}

Get a token (local only, no GitHub needed):
  curl -s -X POST ${url}/dev/login -H 'content-type: application/json' -d '{"username":"alice"}'
Then:
  curl -s ${url}/v1/links -H "Authorization: Bearer <access_token>"

Ctrl-C stops everything.
`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGHUP', () => void shutdown());
  // Started through a wrapper (npm, tsx) that was killed outright: no signal comes, and nothing else would stop
  // this process and its engines, so it stops once it sees that its parent is gone.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown();
  }, 500).unref();
} catch (error) {
  if (error instanceof LocalSetupError) {
    console.error(`\nCannot start Delinkcious: ${error.message}\n`);
  } else {
    console.error('\nCannot start Delinkcious:', error);
  }
  process.exit(1);
}
