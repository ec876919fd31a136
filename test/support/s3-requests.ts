import { type ObjectClient, onEachObjectClient } from '../../shared/aws/s3.ts';

/** One request of an object store's S3 client: the command (`PutObject`) and its key or listing prefix. */
export interface S3Request {
  command: string;
  key: string;
}

const MIDDLEWARE = 'testRecordS3Requests';

/**
 * Records every request of the object stores' S3 clients (shared/aws/s3.ts) until `stop`: what a test counts
 * when what matters is how many PUTs, LISTs or GETs a change costs.
 */
export function recordS3Requests(): { requests: S3Request[]; stop: () => void } {
  const requests: S3Request[] = [];
  const recorded: ObjectClient[] = [];
  const stopObserving = onEachObjectClient((client) => {
    recorded.push(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string; Prefix?: string };
        requests.push({
          command: (context.commandName ?? '').replace(/Command$/, ''),
          key: input.Key ?? input.Prefix ?? '',
        });
        return next(args);
      },
      { step: 'initialize', name: MIDDLEWARE },
    );
  });
  return {
    requests,
    stop: () => {
      stopObserving();
      recorded.forEach((client) => client.middlewareStack.remove(MIDDLEWARE));
    },
  };
}
