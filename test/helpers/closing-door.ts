/**
 * A TCP door in front of a server (the relay of test/helpers/relay.ts, say) that pipes every
 * connection through byte for byte and, once armed, stops listening as soon as the server ends a
 * connection: the client's next connection is refused (ECONNREFUSED) before a byte of its request
 * leaves it, until the test opens the door again (from an injected retry wait, typically). No
 * timer is involved: the door closes before the client sees the end of the connection, and opens
 * when told.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface ClosingDoor {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** The next time the server ends a connection, stop listening (until `open()`). */
  closeAfterNextEnd(): void;
  /** Listens again on the same port (does nothing when it listens). */
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function startClosingDoor(target: string): Promise<ClosingDoor> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  let armed = false;
  let server: Server | undefined;
  let port = 0;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const onClient = (client: Socket): void => {
    const upstream = connect({ host: to.hostname, port: Number(to.port) });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client, { end: false });
    upstream.on('end', () => {
      // Closed first, so that the client, which reconnects once it sees the end, is refused.
      if (armed) {
        armed = false;
        server?.close();
        server = undefined;
      }
      client.end();
    });
    upstream.on('close', () => {
      if (!client.writableEnded) client.destroy();
    });
    client.on('close', () => upstream.destroy());
  };

  const open = async (): Promise<void> => {
    if (server) return;
    const listening = createServer(onClient);
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        listening.off('error', reject);
        resolve();
      });
    });
    port = (listening.address() as AddressInfo).port;
  };

  await open();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    closeAfterNextEnd() {
      armed = true;
    },
    open,
    close() {
      armed = false;
      for (const socket of sockets) socket.destroy();
      const listening = server;
      server = undefined;
      return new Promise<void>((resolve) => (listening ? listening.close(() => resolve()) : resolve()));
    },
  };
}
