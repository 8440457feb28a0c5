import { createServer } from 'node:net';

// Ports handed out by this process: the OS may offer a port again as soon as the probe closed it, and
// a broker given the same port for two listeners does not start.
const handedOut = new Set<number>();

function probePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Asks the OS for a free 127.0.0.1 port that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('the OS kept offering ports this process already handed out');
}
