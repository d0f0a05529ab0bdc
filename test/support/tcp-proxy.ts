import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * forward: pass bytes both ways. refuse: drop every open connection and close each new one at once
 * (the database went away). blackhole: accept and never answer (a network partition).
 */
export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

export interface TcpProxy {
  /** The target URL with host and port replaced by the proxy's. */
  url: string;
  setMode(mode: ProxyMode): void;
  /** Drops the connection (both ends) that sends a chunk matching `match`, instead of forwarding it; once. */
  cutOnClientData(match: (chunk: Buffer) => boolean): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of the database, so a test can take the database away and bring it back. */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  // The embedded database listens on a Unix socket: `?host=<directory>` names it, as libpq does.
  const socketDirectory = target.searchParams.get('host');
  const connectUpstream = () => (socketDirectory?.startsWith('/') ? connect(`${socketDirectory}/.s.PGSQL.${targetPort}`) : connect(targetPort, target.hostname));
  const sockets = new Set<Socket>();
  let mode: ProxyMode = 'forward';
  let cutMatcher: ((chunk: Buffer) => boolean) | null = null;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') return;
    const upstream = connectUpstream();
    track(upstream);
    client.on('data', (chunk) => {
      if (cutMatcher?.(chunk)) {
        cutMatcher = null;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');

  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  url.searchParams.delete('host');

  return {
    url: url.toString(),
    setMode(next) {
      mode = next;
      if (next !== 'forward') for (const socket of sockets) socket.destroy();
    },
    cutOnClientData(match) {
      cutMatcher = match;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
