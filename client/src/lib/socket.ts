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

/** What every socket.io client socket reports about its link (socket.io's, not our contract). */
interface LinkEvents {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (err: Error) => void;
}
type Incoming = ServerToClientEvents & LinkEvents;
type Overloads<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
/** One `(event, listener)` signature per event of the map, as overloads. */
type Listen<M> = Overloads<{ [E in keyof M]: (event: E, fn: M[E]) => unknown }[keyof M]>;
/** One `(event, ...payload)` signature per event of the map, as overloads. */
type Send<M> = Overloads<
  { [E in keyof M]: (event: E, ...args: M[E] extends (...a: infer A) => unknown ? A : never) => unknown }[keyof M]
>;

/**
 * The part of a socket.io client socket the wall store and the desk feed use (a fake in tests), derived from the shared
 * event maps: a change of the contract is a compile error here, not a silent mismatch.
 */
export interface WallTransport {
  readonly connected: boolean;
  on: Listen<Incoming>;
  off: Listen<Incoming>;
  emit: Send<ClientToServerEvents>;
  connect(): unknown;
  disconnect(): unknown;
}
