import { describe, expect, test } from 'vitest';
import { closeTile, expireTiles, openTile, pickKey } from './dockModel';
import { backoffMs, BACKOFF_MAX_MS, BACKOFF_MIN_MS } from './tileModel';

describe('dock of opened tiles', () => {
  test('the cap closes the oldest tiles; a pick of an open channel brings it forward without a twin', () => {
    let tiles = openTile([], { channelId: 'a', from: 'map' }, 3, 1);
    tiles = openTile(tiles, { channelId: 'b', from: 'down' }, 3, 2);
    tiles = openTile(tiles, { channelId: 'c', from: 'down' }, 3, 3);
    tiles = openTile(tiles, { channelId: 'd', from: 'map' }, 3, 4);
    expect(tiles.map((t) => t.pick.channelId)).toEqual(['d', 'c', 'b']);
    tiles = openTile(tiles, { channelId: 'b', from: 'map' }, 3, 5);
    expect(tiles.map((t) => t.pick.channelId)).toEqual(['b', 'd', 'c']);
    expect(openTile(tiles, { channelId: 'x', from: 'map' }, 0, 6)).toEqual([]);
  });

  test('a place is keyed by its coordinates, and closing or expiring removes only what it names', () => {
    expect(pickKey({ near: { lon: 114.123456, lat: 37.9 }, from: 'timeline' })).toBe('near:114.12346,37.90000');
    let tiles = openTile([], { channelId: 'a', from: 'map' }, 4, 1);
    tiles = openTile(tiles, { near: { lon: 1, lat: 2 }, from: 'spotlight' }, 4, 2, 100);
    expect(expireTiles(tiles, 99)).toBe(tiles);
    expect(expireTiles(tiles, 100).map((t) => t.key)).toEqual(['ch:a']);
    expect(closeTile(tiles, 'ch:a').map((t) => t.key)).toEqual(['near:1.00000,2.00000']);
  });

  test('reconnect back-off doubles from 2 s to a 60 s cap, jittered by at most 20%', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffMs(n, mid))).toEqual([
      2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
    expect(backoffMs(0, () => 0)).toBe(BACKOFF_MIN_MS * 0.8);
    expect(backoffMs(20, () => 1)).toBe(BACKOFF_MAX_MS * 1.2);
  });
});
