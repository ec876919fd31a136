import './process-environment.ts';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { functions, type FunctionName } from '../shared/wiring.ts';
import { LOCAL_AWS, LocalSetupError } from './engines.ts';
import { invoke, withDevToken } from './functions.ts';
import { startRuntime, type Runtime } from './runtime.ts';

/**
 * `npm run invoke -- <function> <event.json>`: runs one declared function on an event against the local engines,
 * as `sam local invoke` would, and prints what it returned. It uses the engines of a running `npm start` when
 * there is one, else starts them on the same data for the duration of the call.
 *
 * An `authorization` header of `Bearer <dev-login:NAME>` is replaced by a fresh local token for NAME.
 */
const [name, eventFile] = process.argv.slice(2);
if (!name || !eventFile || !(name in functions)) {
  console.error(
    `Usage: npm run invoke -- <function> <event.json>\nFunctions: ${Object.keys(functions).join(', ')}`,
  );
  process.exit(2);
}

const dynamoDbPort = Number(process.env.DYNAMODB_PORT ?? 8000);
const queuesPort = Number(process.env.FAUXQS_PORT ?? 4566);

async function runningEngines(): Promise<boolean> {
  const client = new DynamoDBClient({
    ...LOCAL_AWS,
    endpoint: `http://127.0.0.1:${dynamoDbPort}`,
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

let runtime: Runtime | undefined;
try {
  const event = JSON.parse(readFileSync(eventFile, 'utf8')) as unknown;
  const shared = await runningEngines();
  runtime = await startRuntime({
    port: 0,
    dynamoDbPort,
    queuesPort,
    dataDir: process.env.IN_MEMORY === 'true' ? undefined : (process.env.DATA_DIR ?? '.data'),
    ...(shared
      ? {
          engines: {
            dynamoDbEndpoint: `http://127.0.0.1:${dynamoDbPort}`,
            queuesEndpoint: `http://127.0.0.1:${queuesPort}`,
          },
        }
      : {}),
  });
  const result = await invoke(name as FunctionName, await withDevToken(event));
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  console.error(error instanceof LocalSetupError ? `Cannot invoke: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await runtime?.stop();
}
