/** `?keyTiles=` on the wall URL: how many key channels play at once (1, 2 or 4; default 1). */
export function keyTilesParam(search: string): number {
  const v = Number(new URLSearchParams(search).get('keyTiles'));
  return v === 2 || v === 4 ? v : 1;
}
