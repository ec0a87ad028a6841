import { describe, expect, test, vi } from 'vitest';
// The library's own classes, as its loaders throw them.
import { IllegalStateException, RuntimeException } from 'mpegts.js/src/utils/exception.js';
import { dropTornDownPlayerErrors, isMpegtsException } from './lateErrors';

describe("a torn-down mpegts player's late exceptions", () => {
  test("mpegts.js's exception objects are told from everything else", () => {
    expect(isMpegtsException(new RuntimeException('Fetch stream meet Early-EOF'))).toBe(true);
    expect(isMpegtsException(new IllegalStateException('closed'))).toBe(true);
    expect(isMpegtsException(Object.assign(new Error('x'), { name: 'RuntimeException', _message: 'x' }))).toBe(false);
    expect(isMpegtsException({ name: 'RuntimeException' })).toBe(false);
    expect(isMpegtsException({ name: 'TypeError', _message: 'x' })).toBe(false);
    expect(isMpegtsException('RuntimeException')).toBe(false);
    expect(isMpegtsException(null)).toBe(false);
  });

  test('only those are dropped, from rejections and from thrown errors alike', () => {
    const page = new EventTarget();
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    dropTornDownPlayerErrors(page as unknown as Window);
    const rejection = (reason: unknown) =>
      Object.assign(new Event('unhandledrejection', { cancelable: true }), { reason });
    const thrown = (error: unknown) => Object.assign(new Event('error', { cancelable: true }), { error });
    const cases: [Event, boolean][] = [
      [rejection(new RuntimeException('Fetch stream meet Early-EOF')), true],
      [thrown(new IllegalStateException('closed')), true],
      [rejection(new TypeError('network error')), false],
      [thrown(new Error('render failed')), false],
      [rejection(undefined), false],
    ];
    for (const [e] of cases) page.dispatchEvent(e);
    expect(cases.map(([e]) => e.defaultPrevented)).toEqual(cases.map(([, dropped]) => dropped));
    expect(debug.mock.calls.map((c) => c[0])).toEqual([
      "[video] a closed player's loader: RuntimeException: Fetch stream meet Early-EOF",
      "[video] a closed player's loader: IllegalStateException: closed",
    ]);
    debug.mockRestore();
  });
});
