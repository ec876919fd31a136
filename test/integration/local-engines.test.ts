import { connect } from 'node:net';
import { networkInterfaces, platform } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { LOOPBACK } from '../../local/engines.ts';

/**
 * DynamoDB Local and the SQS/S3 emulator, as the test setup started them with local/engines.ts, listen on
 * 127.0.0.1 only, like the API: nothing else on the network reaches them.
 */

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

/**
 * Addresses of this machine other than 127.0.0.1: its network interfaces' IPv4 addresses and, on Linux (where
 * all of 127.0.0.0/8 is this machine), 127.0.0.2, which a server listening on every interface accepts too.
 */
function otherAddresses(): string[] {
  const external = Object.values(networkInterfaces())
    .flat()
    .flatMap((address) =>
      address && address.family === 'IPv4' && !address.internal ? [address.address] : [],
    );
  return [...(platform() === 'linux' ? ['127.0.0.2'] : []), ...external];
}

describe.each([
  ['DynamoDB Local', () => inject('dynamoDbEndpoint')],
  ['the SQS/S3 emulator', () => inject('queuesEndpoint')],
])('%s', (_engine, endpoint) => {
  it('given the engine, when it is reached on 127.0.0.1, then it accepts; on any other address of this machine, then it refuses', async () => {
    const { hostname, port } = new URL(endpoint());
    expect(hostname).toBe(LOOPBACK);
    expect(await accepts(LOOPBACK, Number(port))).toBe(true);

    const others = otherAddresses();
    expect(others.length).toBeGreaterThan(0);
    for (const address of others) expect(await accepts(address, Number(port)), address).toBe(false);
  });
});
