import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { HTTP_FIRST_REQUEST_TIMEOUT_MS, HTTP_MAX_CONNECTIONS_PER_ADDRESS } from './limits';
import { AddressList, normalizeAddress } from '../core/address-list';

/**
 * Connection limits Node's server does not have: open connections per client address, and the time
 * a new connection may take to send its first request. Without them one address holding 1,000 idle
 * sockets filled the process-wide cap, and the sockets stayed until Node's sweep of slow headers
 * (every 30 s). A connection past its address's share is closed at once; one that has not sent a
 * complete request head in time is closed then (after its first request, the keep-alive timeout
 * applies). Reverse proxies listed as trusted carry many clients and are not capped.
 */
export function limitConnections(
  server: Server,
  trustedProxies: readonly string[],
  limits: { perAddress: number; firstRequestMs: number } = { perAddress: HTTP_MAX_CONNECTIONS_PER_ADDRESS, firstRequestMs: HTTP_FIRST_REQUEST_TIMEOUT_MS },
): void {
  const exempt = new AddressList(trustedProxies, 'LABGATE_TRUSTED_PROXIES');
  const open = new Map<string, number>();
  const waiting = new WeakMap<Socket, NodeJS.Timeout>();

  // Over HTTPS the requests arrive on the TLS socket wrapped around the TCP one: time that socket.
  const tls = server instanceof TlsServer;
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ? normalizeAddress(socket.remoteAddress) : '';
    if (address && !exempt.includes(address)) {
      const count = (open.get(address) ?? 0) + 1;
      if (count > limits.perAddress) {
        socket.destroy();
        return;
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    }
    if (!tls) awaitFirstRequest(socket);
  });
  if (tls) server.on('secureConnection', (socket: Socket) => awaitFirstRequest(socket));
  function awaitFirstRequest(socket: Socket): void {
    const timer = setTimeout(() => socket.destroy(), limits.firstRequestMs);
    timer.unref();
    waiting.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  }

  server.on('request', (req) => {
    const timer = waiting.get(req.socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    waiting.delete(req.socket);
  });
}
