import type { RegionSnapshot } from '@zhihui/shared';
import type { CanvasLayer, LayerFeed } from '../../ui/MapView';
import { cameraMinZoom, clueMinZoom } from './mapStyle';
import { cameraLayer, clueLayer } from './pointLayers';

const NONE: readonly CanvasLayer[] = [];

/** What the feed reads of a wall's store: its state now, and a word on every change (WallStore.watch). */
export interface LiveSnapshot {
  getState(): { snapshot: RegionSnapshot | null };
  watch(fn: () => void): () => void;
}

/**
 * The wall map's points (channels, then clues) from the store as each delta lands, not at the
 * pace React re-renders the panels: a channel that goes down is drawn as soon as the wall hears
 * of it. Each layer is rebuilt only when its own columns change (a delta without clue changes
 * keeps the clue layer), and the array stays the same while neither does. `minute` moves the
 * clues' overdue marks. The tag is the snapshot's seq.
 */
export function wallPointFeed(store: LiveSnapshot, minute: number): LayerFeed {
  let cams: { from: RegionSnapshot['cameras']; leaf: boolean; layer: CanvasLayer } | null = null;
  let clues: { from: RegionSnapshot['clues']; todayFrom: string; layer: CanvasLayer } | null = null;
  let layers = NONE;
  return {
    layers() {
      const s = store.getState().snapshot;
      if (!s) return NONE;
      const level = s.region.level;
      const leaf = s.children.length === 0;
      const c = s.cameras;
      // A delta makes a new camera table; its positions are the same columns unless the rows changed.
      if (
        !cams ||
        cams.from.state !== c.state ||
        cams.from.lon !== c.lon ||
        cams.from.lat !== c.lat ||
        cams.leaf !== leaf
      )
        cams = { from: c, leaf, layer: cameraLayer(c, leaf, cameraMinZoom(level)) };
      const todayFrom = s.periods.today.from;
      if (!clues || clues.from !== s.clues || clues.todayFrom !== todayFrom)
        clues = {
          from: s.clues,
          todayFrom,
          layer: clueLayer(s.clues, minute * 60_000, Date.parse(todayFrom), clueMinZoom(level)),
        };
      if (layers[0] !== cams.layer || layers[1] !== clues.layer) layers = [cams.layer, clues.layer];
      return layers;
    },
    tag: () => String(store.getState().snapshot?.seq ?? -1),
    subscribe: (fn) => store.watch(fn),
  };
}
