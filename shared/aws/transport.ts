import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { Sha256 } from './sha256.ts';

/** An HTTP transport of the AWS SDK: what a client's `requestHandler` takes. */
export type SdkTransport = NonNullable<DynamoDBClientConfig['requestHandler']>;

let transport: SdkTransport | undefined;

/**
 * Sets the transport of every AWS SDK client that this process makes from now on. Deployed, none is set: each
 * function instance has the SDK's own pool of keep-alive sockets. The local runtime, which runs every function in
 * one process, sets one that keeps apart the pools of functions that would be apart on AWS (local/sdk-pools.ts).
 */
export function useSdkTransport(handler: SdkTransport | undefined): void {
  transport = handler;
}

/** How the functions' clients sign requests: with the hash that takes a KeyObject (shared/aws/sha256.ts). */
export const FUNCTIONS_SIGNING = { sha256: Sha256 };

/** What every client of the functions is configured with: the transport, when one was set, and the signing. */
export function sdkClientConfig(): { requestHandler?: SdkTransport; sha256: typeof Sha256 } {
  return { ...FUNCTIONS_SIGNING, ...(transport ? { requestHandler: transport } : {}) };
}

/** What `withoutSdkLogger` needs of a client: its middleware stack. */
interface WithMiddleware {
  middlewareStack: { remove(name: string): boolean };
}

/**
 * `client` without the SDK's logger middleware. On every call, that middleware filters the request and its answer
 * for sensitive fields, then hands them to the client's logger, whose default logs nothing; the functions give
 * their clients no logger. The filter walks every attribute of every item: about 0.1 ms of CPU for a Query of ten
 * links, a tenth of the whole call's (`ONLY=links npm run bench`, "Where the listing's time goes").
 */
export function withoutSdkLogger<Client extends WithMiddleware>(client: Client): Client {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
