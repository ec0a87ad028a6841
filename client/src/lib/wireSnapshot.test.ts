import { describe, expect, test } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import type { RegionSnapshot } from '@zhihui/shared';
import { unpackSnapshot } from './wireSnapshot';

describe("unpackSnapshot (raw DEFLATE of the JSON; against the server's Node zlib in tests/stream/packed and the e2e wall)", () => {
  const snap = {
    v: 1,
    seq: 7,
    region: { code: '130111', name: '栾城区' },
    note: '视频运行率 ≥ 90%',
  } as unknown as RegionSnapshot;
  const packed = deflateSync(strToU8(JSON.stringify(snap)), { level: 6 });

  test('as socket.io hands binary over in a browser (ArrayBuffer) and in Node (a Uint8Array view)', () => {
    const ab = packed.slice().buffer;
    expect(unpackSnapshot({ packed: ab })).toEqual(snap);
    expect(unpackSnapshot({ packed: new Uint8Array(packed) })).toEqual(snap);
  });

  test('a plain snapshot passes through as it is', () => {
    expect(unpackSnapshot(snap)).toBe(snap);
  });

  test('damaged bytes throw rather than give a wrong snapshot', () => {
    const bad = Uint8Array.from(packed);
    bad[5] = bad[5]! ^ 0xff;
    bad[6] = bad[6]! ^ 0xff;
    expect(() => unpackSnapshot({ packed: bad.subarray(0, bad.length - 4) })).toThrow();
  });
});
