import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@zhihui/shared';

export type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket to our own server (same origin). WebSocket first: command-centre networks often
 * have proxies that make long-polling slow. Reconnects forever with a capped back-off, so a
 * wall recovers by itself after a server restart or a network cut.
 */
export function createSocket(): WallSocket {
  return io({
    path: '/socket.io',
    transports: ['websocket', 'polling'],
    autoConnect: false,
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.3,
    timeout: 8000,
  });
}
