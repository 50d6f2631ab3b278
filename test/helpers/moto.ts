/** A real AWS HTTP emulator for the tests: moto_server on a free loopback port. */
import { createServer } from 'node:net';
import { execa, type ResultPromise } from 'execa';

export interface Moto {
  endpoint: string;
  /** AWS settings that point the SDK (and the bin) at this emulator with fake credentials. */
  env: Record<string, string>;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server: ResultPromise = execa('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { reject: false, stdio: 'ignore' });
  let exited = false;
  void server.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (exited) throw new Error('moto_server exited; is moto[server] installed (bash .ci/setup)?');
    if (Date.now() > deadline) throw new Error('moto_server did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_ECR: endpoint,
    },
    stop: async () => {
      server.kill();
      await server;
    },
  };
}
