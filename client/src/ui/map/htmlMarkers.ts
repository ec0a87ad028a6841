import { Marker, type Map as MapLibre } from 'maplibre-gl';
import type { MarkerEntry } from './declutter';
import type { HtmlMarker } from './types';

/**
 * Brings the map's HTML markers to `wanted`, by id: existing ones are moved and re-labelled in
 * place (their DOM is rebuilt only when their text or class changed), missing ones are added,
 * the rest removed. Returns a key of the decluttered labels, which changes when they must be
 * placed again.
 */
export function syncMarkers(m: MapLibre, entries: Map<string, MarkerEntry>, wanted: readonly HtmlMarker[]): string {
  const want = new Set<string>();
  for (const mk of wanted) {
    want.add(mk.id);
    const key = mk.className + '|' + mk.lines.map((l) => `${l.className ?? ''}:${l.text}`).join('|');
    let entry = entries.get(mk.id);
    if (!entry) {
      entry = addMarker(m, mk);
      entries.set(mk.id, entry);
    } else {
      entry.marker.setLngLat(mk.lngLat);
      entry.lngLat = mk.lngLat;
      entry.priority = mk.priority ?? 0;
    }
    if (entry.key !== key) {
      entry.el.className = mk.className;
      entry.el.replaceChildren(
        ...mk.lines.map((l) => {
          const span = document.createElement('span');
          if (l.className) span.className = l.className;
          span.textContent = l.text;
          return span;
        }),
      );
      entry.key = key;
    }
  }
  for (const [id, entry] of entries) {
    if (!want.has(id)) {
      entry.marker.remove();
      entries.delete(id);
    }
  }
  return [...entries.entries()]
    .filter(([, e]) => e.declutter)
    .map(([id, e]) => id + e.key)
    .join('|');
}

function addMarker(m: MapLibre, mk: HtmlMarker): MarkerEntry {
  // maplibre owns the outer element's classes; our look lives on an inner one.
  const node = document.createElement('div');
  const inner = document.createElement('div');
  node.appendChild(inner);
  const marker = new Marker({ element: node, anchor: 'center', offset: mk.offset }).setLngLat(mk.lngLat).addTo(m);
  return {
    marker,
    node,
    el: inner,
    key: '',
    declutter: mk.declutter ?? false,
    priority: mk.priority ?? 0,
    lngLat: mk.lngLat,
    leader: null,
  };
}
