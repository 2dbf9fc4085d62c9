/**
 * A real HTTP proxy on 127.0.0.1, as self-hosted runners use: `CONNECT host:port` opens a TCP
 * tunnel (what clients do for https targets), and an absolute-form request
 * (`POST http://host:port/path`) is forwarded (what clients do for http targets). It records each
 * tunnel and each forwarded request, keeps the bytes clients sent through tunnels (to check that
 * the proxy saw only TLS), and can refuse tunnels the way a proxy does when it cannot reach the
 * target. It only reaches loopback targets.
 */
import { Agent, createServer, request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxyRecord {
  kind: 'connect' | 'forward';
  method: string;
  /** CONNECT: the authority asked for (`host:port`); forward: the absolute URL. */
  target: string;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  /** What the proxy answered: 200 for an open tunnel, its refusal, or the target's status; null when nothing yet. */
  status: number | null;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT` (with `user:password@` when the proxy asks for credentials). */
  url: string;
  port: number;
  readonly records: ProxyRecord[];
  /** Everything clients sent through tunnels (the first MiB): what the proxy could read. */
  readonly tunnelled: Buffer;
  /**
   * The next `times` CONNECTs after the first `after` ones (default 0) are answered `status`
   * (default 502), or never answered at all with `'hang'` (a proxy that lost its way).
   */
  refuseTunnels(opts: { after?: number; times?: number; status?: number | 'hang' }): void;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Requires `Proxy-Authorization: Basic` with these credentials (else 407). */
  credentials?: { user: string; password: string };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const MAX_TUNNELLED = 1024 * 1024;

function flatten(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Splits `host:port` (IPv6 in brackets); undefined when it is not one. */
function splitAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n`;
}

export async function startConnectProxy(options: ProxyOptions = {}): Promise<ConnectProxy> {
  const records: ProxyRecord[] = [];
  const chunks: Buffer[] = [];
  let tunnelledBytes = 0;
  const sockets = new Set<Duplex>();
  const upstreamAgent = new Agent({ keepAlive: true });
  let connects = 0;
  let refusal: { after: number; times: number; status: number | 'hang' } | undefined;
  const expectedAuth = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;

  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server = createServer((req, res) => {
    const record: ProxyRecord = { kind: 'forward', method: req.method ?? '', target: req.url ?? '', headers: flatten(req), status: null };
    records.push(record);
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
    };
    if (expectedAuth && req.headers['proxy-authorization'] !== expectedAuth) {
      return answer(407, 'proxy authentication required', { 'proxy-authenticate': 'Basic realm="test"' });
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return answer(400, 'this proxy forwards absolute-form requests only');
    }
    if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) return answer(403, 'this proxy reaches loopback http targets only');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(flatten(req))) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = httpRequest(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 80,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        agent: upstreamAgent,
      },
      (answerFromTarget) => {
        record.status = answerFromTarget.statusCode ?? null;
        const relayed: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answerFromTarget.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
        }
        res.writeHead(answerFromTarget.statusCode ?? 502, relayed);
        answerFromTarget.pipe(res);
        answerFromTarget.on('error', () => res.destroy());
        answerFromTarget.on('aborted', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      // The target failed: a gateway error when nothing was answered yet, else cut the answer.
      if (res.headersSent) res.destroy();
      else answer(502, 'bad gateway: the target failed');
    });
    req.pipe(upstream);
  });

  server.on('connection', track);

  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const record: ProxyRecord = {
      kind: 'connect',
      method: req.method ?? 'CONNECT',
      target: req.url ?? '',
      headers: flatten(req),
      status: null,
    };
    records.push(record);
    const refuse = (status: number) => {
      record.status = status;
      const extra = status === 407 ? 'proxy-authenticate: Basic realm="test"\r\n' : '';
      client.end(`${statusLine(status)}${extra}content-length: 0\r\nconnection: close\r\n\r\n`);
    };
    if (expectedAuth && req.headers['proxy-authorization'] !== expectedAuth) return refuse(407);
    const target = splitAuthority(record.target);
    if (!target || !LOOPBACK.has(target.host)) return refuse(403);
    connects += 1;
    if (refusal && connects > refusal.after && refusal.times > 0) {
      refusal.times -= 1;
      // 'hang': the client waits for an answer that never comes (the socket is closed with the proxy).
      if (refusal.status !== 'hang') refuse(refusal.status);
      return;
    }
    const upstream = netConnect({ host: target.host, port: target.port });
    track(upstream);
    upstream.once('connect', () => {
      record.status = 200;
      client.write(`${statusLine(200).replace('OK', 'Connection Established')}\r\n`);
      const keep = (chunk: Buffer) => {
        if (tunnelledBytes < MAX_TUNNELLED) chunks.push(chunk);
        tunnelledBytes += chunk.length;
      };
      if (head.length > 0) {
        keep(head);
        upstream.write(head);
      }
      client.on('data', keep);
      client.pipe(upstream);
      upstream.pipe(client);
      // One side gone: the tunnel is.
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    upstream.once('error', () => {
      if (record.status === null) refuse(502);
      else client.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const auth = options.credentials
    ? `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.password)}@`
    : '';
  let closing: Promise<void> | undefined;

  return {
    url: `http://${auth}127.0.0.1:${port}`,
    port,
    records,
    get tunnelled() {
      return Buffer.concat(chunks);
    },
    refuseTunnels({ after = 0, times = 1, status = 502 }) {
      refusal = { after: connects + after, times, status };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        upstreamAgent.destroy();
      });
      return closing;
    },
  };
}
