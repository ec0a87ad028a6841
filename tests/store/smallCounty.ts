import type { CameraInput, Region } from '@zhihui/shared';

/** A minute of 27 Nov 2026 (UTC) as an ISO instant: the clock of the store tests' reports. */
export const T = (min: number): string => new Date(Date.UTC(2026, 10, 27, 0, min)).toISOString();

/** One county with one township: the smallest tree a store test needs. */
export const regions: Region[] = [
  { code: '130111', name: '栾城区', level: 'county', parent: null, center: [114.65, 37.9] },
  { code: '130111100', name: '栾城镇', level: 'township', parent: '130111', center: [114.64, 37.89] },
];

/** `n` channels in that township, with GB/T 28181 style ids. */
export const townshipChannels = (n: number): CameraInput[] =>
  Array.from({ length: n }, (_, k) => ({
    id: `1301110000132${String(k).padStart(7, '0')}`,
    name: `探头 ${k}`,
    region: '130111100',
    lon: 114.6,
    lat: 37.9,
  }));
