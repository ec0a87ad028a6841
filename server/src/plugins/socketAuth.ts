import fp from 'fastify-plugin';
import { ErrorCode } from '@zhihui/shared';
import proxyAddr from '@fastify/proxy-addr';
import type { Principal } from '../domain/credentials.js';
import { bearerOf, tooManyFailures } from './identify.js';
import { cookieToken, viewerCookie } from './viewerGate.js';
import { principalOfPerson } from '../people/service.js';

/** What a refused socket sees: `connect_error` with this message and `err.data` = { code, message }. */
function refusal(code: string, message: string): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(`${code}: ${message}`), { data: { code, message } });
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Where a socket's handshake came from, as the HTTP side sees a request: the client address by
 * the same proxy-addr rule Fastify applies (TRUST_PROXY), and the TCP peer.
 */
export function handshakeOrigin(
  trustProxy: boolean | string,
): (hs: { address: string; headers: unknown }) => { ip: string; peer: string } {
  const trust =
    typeof trustProxy === 'boolean' ? () => trustProxy : proxyAddr.compile(trustProxy.split(',').map((x) => x.trim()));
  return (hs) => ({
    ip: proxyAddr(
      { headers: hs.headers, socket: { remoteAddress: hs.address } } as unknown as Parameters<typeof proxyAddr>[0],
      trust,
    ),
    peer: hs.address,
  });
}

/**
 * The secret a handshake carries and where: the `auth` payload and the Authorization header may
 * carry any credential; a URL (`?token=`) or the wall's cookie only a viewer token, because URLs
 * end up in logs and histories and cookies ride along on other sites' requests.
 */
export function handshakeToken(h: {
  headers: Headers;
  auth?: unknown;
  query?: unknown;
}): { token: string; anyKind: boolean } | null {
  const a = h.auth as { token?: unknown } | undefined;
  if (a && typeof a === 'object' && typeof a.token === 'string') return { token: a.token, anyKind: true };
  const bearer = bearerOf(h.headers.authorization);
  if (bearer !== null) return { token: bearer, anyKind: true };
  const q = h.query as { token?: unknown } | undefined;
  if (q && typeof q === 'object' && typeof q.token === 'string') return { token: q.token, anyKind: false };
  const c = cookieToken(h.headers.cookie);
  return c === null ? null : { token: c, anyKind: false };
}

/**
 * Authenticates socket.io connections the way the HTTP gate does: when viewer tokens are in
 * force, a connection needs one (see handshakeToken for where it may come from), and the
 * principal found is kept on the socket, where `subscribe` checks its region (a `subscribe` may
 * carry a viewer token too: the stream plugin adopts it). Revoking a credential disconnects the sockets that used it; when
 * the gate turns on, sockets that connected without a credential are disconnected. Every
 * handshake renews the long-lived viewer cookie so a kiosk left on for months keeps it.
 */
export default fp(
  async (app) => {
    // The same trust as Fastify's (config.trustProxy), so a handshake is counted against the same address as its HTTP requests.
    const originOf = handshakeOrigin(app.config.trustProxy);
    /**
     * Disconnects this process's sockets whose principal matches. Revocations and the gate turning
     * on are rare, so sockets are looked over then rather than indexed on every connection.
     */
    const cutWhere = (match: (p: Principal | null) => boolean) => {
      for (const s of [...app.io.of('/').sockets.values()]) if (match(s.data.principal ?? null)) s.disconnect(true);
    };

    /** The principal of a presented token, or a refusal (after the failure throttle's delay). */
    async function authenticate(
      token: string,
      anyKind: boolean,
      from: { ip: string; peer: string },
    ): Promise<Principal | ReturnType<typeof refusal>> {
      const p = app.identify.principal(token);
      if (p && (anyKind || p.role === 'viewer')) return p;
      const retry = await app.identify.failed({ ...from, token });
      if (retry !== null) return refusal(ErrorCode.tooMany, tooManyFailures(retry));
      return refusal(
        ErrorCode.unauthorized,
        p
          ? 'a write or admin key is accepted only as auth.token or in the Authorization header'
          : 'the viewer token is not valid (unknown or revoked)',
      );
    }

    app.io.use((socket, next) => {
      const run = async () => {
        socket.data.principal = null;
        const hs = socket.handshake;
        const headers = hs.headers as Headers;
        const found = handshakeToken({ headers, auth: hs.auth, query: hs.query });
        // A person's session cookie binds the socket to their region, gate or not (a token given explicitly wins).
        const explicit = found !== null && found.token !== cookieToken(headers.cookie);
        if (!explicit) {
          const who = await app.people.ofCookie(headers.cookie);
          if (who) {
            socket.data.principal = principalOfPerson(who.user, who.session);
            return next();
          }
        }
        if (!app.viewerGate.required()) return next();
        if (found === null)
          return next(
            refusal(
              ErrorCode.unauthorized,
              'this server needs a viewer token: open the wall with ?token=<token>, or pass auth: { token }',
            ),
          );
        const p = await authenticate(found.token, found.anyKind, originOf(hs));
        if (p instanceof Error) return next(p);
        socket.data.principal = p;
        next();
      };
      run().catch((err: unknown) => {
        app.log.error({ err }, 'socket authentication failed');
        next(refusal(ErrorCode.internal, 'authentication failed; retry'));
      });
    });

    app.credentials.onRevoked((id) => cutWhere((p) => p?.id === id));
    // Sockets opened while the walls were open must not keep watching once they are not.
    app.viewerGate.onEnabled(() => cutWhere((p) => p === null));

    // Renew the viewer cookie on each handshake that carries a valid viewer token.
    app.io.engine.on(
      'initial_headers',
      (headers: Record<string, string | string[]>, req: { headers: Headers; url?: string }) => {
        if (!app.viewerGate.required()) return;
        const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
        const found = handshakeToken({ headers: req.headers, query: { token: query.get('token') ?? undefined } });
        if (found === null) return;
        const p = app.identify.principal(found.token);
        if (p?.role !== 'viewer') return;
        const secure =
          req.headers['x-forwarded-proto'] === 'https' ||
          (req as { socket?: { encrypted?: boolean } }).socket?.encrypted === true;
        headers['set-cookie'] = viewerCookie(found.token, secure);
      },
    );
  },
  { name: 'socketAuth', fastify: '5.x', dependencies: ['stream', 'credentials', 'identify', 'viewerGate', 'people'] },
);
