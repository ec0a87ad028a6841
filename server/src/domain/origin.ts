/**
 * Whether a browser request's Origin may use this server's socket: its own origin (the Origin's
 * host equals the Host header; when the Host header names no port, as behind a proxy that passes
 * `$host`, the host names must match) or one of CORS_ORIGINS. A request without Origin is not
 * from a page in a browser (browsers always send it on WebSocket and cross-origin requests) and
 * is let through: the check exists to stop another site's page from riding a wall's cookie.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin.replace(/\/+$/, ''))) return true;
  if (!host) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
  const h = host.toLowerCase();
  const portless = !/:\d+$/.test(h);
  return o.host === h || (portless && o.hostname === h);
}
