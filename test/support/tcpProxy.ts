/**
 * A TCP proxy in front of the PostgreSQL server, so a test can take the database away from one Db without touching
 * the server every other test file shares: `cut()` drops every connection through it and refuses new ones until
 * `restore()`, as a database restart or a network failure looks to a client. `stall()` takes new connections and
 * never answers them, as a stopped server or a stuck network device does; `freeze()` stops forwarding, both ways, on
 * the connections already open, without closing them, as the same failure looks in the middle of a session.
 */
import net from 'node:net';
import { testDatabaseUrl } from './db.js';

export interface TcpProxy {
  /** `testDatabaseUrl` through the proxy, with `application_name` set so its sessions can be found. */
  readonly url: string;
  /** Connections clients opened or tried to open through it. */
  readonly attempts: number;
  cut(): void;
  stall(): void;
  freeze(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startDatabaseProxy(applicationName: string): Promise<TcpProxy> {
  const target = new URL(testDatabaseUrl);
  const sockets = new Set<net.Socket>();
  /** Client and server side of every connection being forwarded, and those `freeze()` holds. */
  const links = new Set<[net.Socket, net.Socket]>();
  const frozen = new Set<[net.Socket, net.Socket]>();
  let refusing = false;
  let stalling = false;
  let attempts = 0;
  const server = net.createServer((client) => {
    attempts++;
    if (refusing) {
      client.destroy();
      return;
    }
    if (stalling) {
      sockets.add(client);
      client.on('error', () => client.destroy());
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const link: [net.Socket, net.Socket] = [client, upstream];
    const end = () => {
      for (const socket of link) {
        socket.destroy();
        sockets.delete(socket);
      }
      links.delete(link);
      frozen.delete(link);
    };
    for (const socket of link) {
      sockets.add(socket);
      socket.on('error', end).on('close', end);
    }
    links.add(link);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(testDatabaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  url.searchParams.set('application_name', applicationName);
  return {
    url: url.toString(),
    get attempts() {
      return attempts;
    },
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    stall() {
      stalling = true;
    },
    freeze() {
      for (const link of links) {
        if (frozen.has(link)) continue;
        const [client, upstream] = link;
        client.unpipe(upstream).pause();
        upstream.unpipe(client).pause();
        frozen.add(link);
      }
    },
    restore() {
      refusing = false;
      stalling = false;
      for (const [client, upstream] of frozen) client.pipe(upstream).pipe(client);
      frozen.clear();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
