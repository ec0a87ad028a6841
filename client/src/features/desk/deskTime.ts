// The desk's times, all Asia/Shanghai: how a stamp is shown, and what a `datetime-local` field
// (which the desk fills in Beijing time) means as an instant.

/** "12/3 09:05" (or "12/03 09:05" with `padded`), "—" for no time. */
export function deskStamp(iso: string | null, padded = false): string {
  if (!iso) return '—';
  const digits = padded ? '2-digit' : 'numeric';
  return new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: digits,
    day: digits,
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** `datetime-local` value (Asia/Shanghai) → ISO with +08:00; '' → undefined; anything else as is. */
export function localToIso(v: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return v === '' ? undefined : v;
  return `${v}:00+08:00`;
}
