/**
 * mpegts.js's own exceptions (RuntimeException and its kin) are plain objects, not Errors. Its
 * loaders throw one only when no player listens any more: in Chromium, destroying a player in the
 * middle of a read marks the fetch to be cancelled at the next chunk, and when the connection
 * breaks first, the read's rejection finds no handler and lands in a detached promise
 * (xqq/mpegts.js#197). A running player reports through its ERROR event instead. So an unhandled
 * mpegts exception on the page is the last word of a player already torn down: it is dropped (with
 * a debug line), not left to read as a page error.
 */
const NAMES = new Set([
  'RuntimeException',
  'IllegalStateException',
  'InvalidArgumentException',
  'NotImplementedException',
]);

/** Whether `v` is one of mpegts.js's exception objects. */
export function isMpegtsException(v: unknown): v is { name: string; message: unknown } {
  if (typeof v !== 'object' || v === null || v instanceof Error || !('_message' in v)) return false;
  const name = (v as { name?: unknown }).name;
  return typeof name === 'string' && NAMES.has(name);
}

let installed = false;

/** Installs the page-wide filter once (on the first mpegts player). */
export function dropTornDownPlayerErrors(target: Pick<Window, 'addEventListener'> = window): void {
  if (installed) return;
  installed = true;
  const drop = (e: Event, v: unknown) => {
    if (!isMpegtsException(v)) return;
    e.preventDefault();
    console.debug(`[video] a closed player's loader: ${v.name}: ${String(v.message)}`);
  };
  target.addEventListener('unhandledrejection', (e) => drop(e, e.reason));
  target.addEventListener('error', (e) => drop(e, e.error));
}
