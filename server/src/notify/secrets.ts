/**
 * Robot URLs carry their token and channels carry signing secrets: the API shows them only
 * masked, and error texts are scrubbed before they reach the delivery log or the server log.
 */

/** Scheme, host and path, with every query value cut to its first 4 characters. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    const q = [...u.searchParams.entries()].map(([k, v]) => `${k}=${v.length > 8 ? `${v.slice(0, 4)}…` : '***'}`);
    const auth = u.username || u.password ? '***@' : '';
    return `${u.protocol}//${auth}${u.host}${u.pathname}${q.length ? `?${q.join('&')}` : ''}`;
  } catch {
    return '***';
  }
}

/** The first 3 characters and the length ("SEC…(67)"). */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 3)}…(${secret.length})`;
}

/** `text` with every secret-looking piece of the channel (URL, its query values, secret, password) replaced. */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  const pieces: string[] = [];
  for (const s of secrets) {
    if (!s) continue;
    pieces.push(s);
    try {
      const u = new URL(s);
      for (const v of u.searchParams.values()) if (v.length >= 4) pieces.push(v, encodeURIComponent(v));
      if (u.password) pieces.push(u.password);
    } catch {
      /* not a URL */
    }
  }
  let out = text;
  for (const p of pieces.sort((a, b) => b.length - a.length)) if (p.length >= 4) out = out.split(p).join('***');
  return out;
}
