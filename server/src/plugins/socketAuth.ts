import fp from 'fastify-plugin';
import { ErrorCode } from '@zhihui/shared';
import proxyAddr from '@fastify/proxy-addr';
import { viewerCookie } from './auth.js';

/** What a refused socket sees: `connect_error` with this message and `err.data` = { code, message }. */
function refusal(code: string, message: string): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(`${code}: ${message}`), { data: { code, message } });
}

/** The client address of a handshake as the HTTP side sees it: the same proxy-addr rule Fastify applies (TRUST_PROXY). */
function handshakeIp(address: string, headers: Record<string, string | string[] | undefined>, trust: (addr: string, i: number) => boolean): string {
  return proxyAddr({ headers, socket: { remoteAddress: address } } as unknown as Parameters<typeof proxyAddr>[0], trust);
}

/**
 * Authenticates socket.io connections the way the HTTP gate does: when viewer tokens are in
 * force, a connection needs a viewer token (handshake `auth.token`, `?token=`, the viewer cookie
 * a wall page set, or an `Authorization: Bearer` write/admin key). Refused connections get a
 * `connect_error` naming the reason. Revoking a token disconnects the sockets that used it, and
 * every handshake renews the long-lived viewer cookie so a kiosk left on for months keeps it.
 */
export default fp(
  async (app) => {
    // The same trust as Fastify's (config.trustProxy), so a handshake is counted against the same address as its HTTP requests.
    const tp = app.config.trustProxy;
    const trustProxy = typeof tp === 'boolean' ? () => tp : proxyAddr.compile(tp.split(',').map((x) => x.trim()));
    /** Sockets per stored credential id, to cut them when it is revoked. */
    const byCredential = new Map<string, Set<{ disconnect(close?: boolean): unknown; id: string }>>();

    app.io.use((socket, next) => {
      const run = async () => {
        const hs = socket.handshake;
        const headers = hs.headers as Record<string, string | string[] | undefined>;
        if (!app.auth.viewerRequired()) return next();
        const token = app.auth.handshakeToken({ headers, auth: hs.auth, query: hs.query });
        if (token === null) {
          return next(refusal(ErrorCode.unauthorized, 'this server needs a viewer token: open the wall with ?token=<token>, or pass auth: { token }'));
        }
        const ip = handshakeIp(hs.address, headers, trustProxy);
        const wait = await app.auth.blockedFor(ip);
        if (wait > 0) return next(refusal(ErrorCode.tooMany, `too many failed authentications from this address; retry in ${wait} s`));
        const p = app.auth.identify(token);
        if (!p) {
          await app.auth.failed(ip);
          return next(refusal(ErrorCode.unauthorized, 'the viewer token is not valid (unknown or revoked)'));
        }
        if (p.id !== null) {
          const id = p.id;
          let set = byCredential.get(id);
          if (!set) byCredential.set(id, (set = new Set()));
          const entry = { id: socket.id, disconnect: (close?: boolean) => socket.disconnect(close) };
          set.add(entry);
          socket.once('disconnect', () => {
            set.delete(entry);
            if (set.size === 0 && byCredential.get(id) === set) byCredential.delete(id);
          });
        }
        next();
      };
      run().catch((err: unknown) => {
        app.log.error({ err }, 'socket authentication failed');
        next(refusal(ErrorCode.internal, 'authentication failed; retry'));
      });
    });

    app.auth.onRevoked((id) => {
      const set = byCredential.get(id);
      if (!set) return;
      byCredential.delete(id);
      for (const s of [...set]) s.disconnect(true);
    });

    // Renew the viewer cookie on each handshake that carries a valid viewer token.
    app.io.engine.on('initial_headers', (headers: Record<string, string | string[]>, req: { headers: Record<string, string | string[] | undefined>; url?: string }) => {
      if (!app.auth.viewerRequired()) return;
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      const token = app.auth.handshakeToken({ headers: req.headers, query: { token: query.get('token') ?? undefined } });
      if (token === null) return;
      const p = app.auth.identify(token);
      if (p?.role !== 'viewer') return;
      const secure = req.headers['x-forwarded-proto'] === 'https' || (req as { socket?: { encrypted?: boolean } }).socket?.encrypted === true;
      headers['set-cookie'] = viewerCookie(token, secure);
    });
  },
  { name: 'socketAuth', fastify: '5.x', dependencies: ['stream', 'auth'] },
);
