/**
 * A relay in front of the Dfns sandbox: a TCP server (or a TLS server, to give the sandbox an
 * https address) that pipes every connection to the sandbox byte for byte, so that the
 * sandbox's faults pass through unchanged. It reads the answers going back (HTTP/1.1 with
 * content-length, as the sandbox writes them) so that it can drop a connection right after a
 * given answer and then refuse connections for a while: the way to make a client's next
 * request fail to connect, before any byte of it is sent.
 */
import { connect as netConnect, createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export interface Relay {
  /** `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` with TLS. */
  url: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * After the `nth` answer from now on (counted over all connections) has been relayed, ends
   * that connection (the answer gets `connection: close`, so the client does not reuse it) and,
   * with `refuseMs`, stops listening for that long: connecting to the port is then refused.
   */
  dropAfterAnswer(nth: number, opts?: { refuseMs?: number }): void;
  close(): Promise<void>;
}

export interface RelayOptions {
  /** The sandbox's `http://127.0.0.1:PORT`. */
  target: string;
  /** Serve TLS with this certificate and key (PEM). */
  tls?: { certPem: string; keyPem: string };
}

/** Reads HTTP/1.1 answers off a byte stream; hands on each head (possibly rewritten) and body. */
class AnswerReader {
  #head = Buffer.alloc(0);
  #bodyLeft: number | undefined;
  /** The stream is no longer understood (no content-length): passed through as is. */
  #opaque = false;
  readonly #onHead: (head: string) => string;
  readonly #onEnd: () => void;
  constructor(onHead: (head: string) => string, onEnd: () => void) {
    this.#onHead = onHead;
    this.#onEnd = onEnd;
  }

  /** Returns the bytes to forward now; calls onEnd as each answer's last byte goes by. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let rest = chunk;
    while (rest.length > 0) {
      if (this.#opaque) {
        out.push(rest);
        break;
      }
      if (this.#bodyLeft === undefined) {
        this.#head = Buffer.concat([this.#head, rest]);
        const end = this.#head.indexOf('\r\n\r\n');
        if (end === -1) break;
        const headText = this.#head.subarray(0, end + 4).toString('latin1');
        rest = this.#head.subarray(end + 4);
        this.#head = Buffer.alloc(0);
        const length = /\r\ncontent-length: *(\d+)\r\n/i.exec(headText);
        out.push(Buffer.from(this.#onHead(headText), 'latin1'));
        if (!length) {
          this.#opaque = true;
          continue;
        }
        this.#bodyLeft = Number(length[1]);
      }
      const take = Math.min(this.#bodyLeft, rest.length);
      out.push(rest.subarray(0, take));
      rest = rest.subarray(take);
      this.#bodyLeft -= take;
      if (this.#bodyLeft === 0) {
        this.#bodyLeft = undefined;
        this.#onEnd();
      }
    }
    return out;
  }
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  let connections = 0;
  let answersSeen = 0;
  let drop: { nth: number; refuseMs: number | undefined } | undefined;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const onClient = (client: Socket) => {
    connections += 1;
    sockets.add(client);
    const upstream = netConnect({ host: target.hostname, port: Number(target.port) });
    sockets.add(upstream);
    let dropping = false;
    /** Dropped: the client's side ends gracefully, whatever the sandbox's side does. */
    let detached = false;
    let dropNow = false;
    const reader = new AnswerReader(
      (head) => {
        answersSeen += 1;
        if (!drop || answersSeen !== drop.nth) return head;
        dropping = true;
        return head.replace(/\r\nconnection: *[^\r]*/i, '').replace(/\r\n\r\n$/, '\r\nconnection: close\r\n\r\n');
      },
      () => {
        if (dropping) dropNow = true;
      },
    );
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      for (const part of reader.push(chunk)) client.write(part);
      if (!dropNow) return;
      const refuseMs = drop?.refuseMs;
      drop = undefined;
      dropping = dropNow = false;
      detached = true;
      client.unpipe(upstream);
      client.end();
      upstream.destroy();
      if (refuseMs !== undefined) pause(refuseMs);
    });
    upstream.on('end', () => {
      if (!detached) client.end();
    });
    const gone = (socket: Socket) => {
      sockets.delete(socket);
    };
    client.on('close', () => {
      gone(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      gone(upstream);
      if (!detached) client.destroy();
    });
    client.on('error', () => client.destroy());
    upstream.on('error', () => upstream.destroy());
  };

  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, onClient)
    : createTcpServer(onClient);
  // A TLS handshake that fails (a client that does not trust the certificate) is the client's concern.
  server.on('tlsClientError', () => undefined);

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });

  /** Stops listening (new connections are refused) for `ms`, then listens on the same port again. */
  const pause = (ms: number) => {
    server.close();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) listen(port).catch((error: unknown) => console.error('relay: could not listen again on its port', error));
    }, ms);
    timers.add(timer);
  };

  await listen(0);
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    dropAfterAnswer(nth, opts = {}) {
      drop = { nth: answersSeen + nth, refuseMs: opts.refuseMs };
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
  };
}
