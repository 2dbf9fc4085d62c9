/**
 * One loopback address for a whole test file, in front of servers that change from test to
 * test: every TCP connection to it is piped, byte for byte, to the target of the moment.
 *
 * Why: in process, `@actions/github` (which @actions/artifact uses for the REST API) reads
 * GITHUB_API_URL once, when it is first loaded, and keeps it for the life of the process. A test
 * file whose tests each start a GitHub stand-in of their own (on a new port) gives the step this
 * address as GITHUB_API_URL, and points it at the test's stand-in (`target`). A child process
 * (dist/) loads the module afresh for each run and needs none of this.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface StableAddress {
  /** `http://127.0.0.1:PORT`: give it to the step in place of the server's own URL. */
  url: string;
  /** The `http://127.0.0.1:PORT` connections go to from now on; undefined: they are refused (closed at once). */
  target: string | undefined;
  close(): Promise<void>;
}

export async function startStableAddress(): Promise<StableAddress> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const address: StableAddress = {
    url: '',
    target: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  const server = createServer((client) => {
    track(client);
    if (address.target === undefined) {
      client.destroy();
      return;
    }
    const { hostname, port } = new URL(address.target);
    const upstream = connect({ host: hostname, port: Number(port) });
    track(upstream);
    // Either side ending or failing ends the other: a connection to a stand-in that has closed
    // is not kept alive for the next test.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  address.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return address;
}
