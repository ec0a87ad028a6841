import type { Map as MapLibre, Marker } from 'maplibre-gl';

/** A live HTML marker: maplibre's marker, our label element and what it was built from. */
export interface MarkerEntry {
  marker: Marker;
  /** maplibre's element (it owns the position); `el` is ours, inside it, with the label. */
  node: HTMLDivElement;
  el: HTMLDivElement;
  key: string;
  declutter: boolean;
  priority: number;
  lngLat: [number, number];
  leader: SVGSVGElement | null;
}

type Box = { x0: number; y0: number; x1: number; y1: number };

const SVG_NS = 'http://www.w3.org/2000/svg';
const LABEL_GAP = 6;
const EDGE = 6;

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
const boxAt = (x: number, y: number, w: number, h: number): Box => ({
  x0: x - w / 2,
  y0: y - h / 2,
  x1: x + w / 2,
  y1: y + h / 2,
});

/**
 * Offsets to try for a label, nearest first: on its point, then beside it (left and right
 * read best with the short Chinese names), then above and below, then further out.
 */
function candidates(w: number, h: number): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  const side = w / 2 + 18;
  for (const k of [0, 1, 2, 3]) {
    const dx = side + k * (w * 0.45);
    for (const dy of [0, h * 0.5, -h * 0.5, h, -h, h * 1.6, -h * 1.6]) out.push([dx, dy], [-dx, dy]);
    if (k < 3) out.push([0, h * (1.1 + k * 0.9)], [0, -h * (1.1 + k * 0.9)]);
  }
  for (const dy of [h * 2.4, -h * 2.4])
    for (const dx of [side, -side, side + w * 0.9, -(side + w * 0.9)]) out.push([dx, dy]);
  return out.sort((a, b) => Math.hypot(a[0], a[1] * 1.3) - Math.hypot(b[0], b[1] * 1.3));
}

/**
 * Places region labels so none covers another, nor another region's point: the largest areas
 * keep their label on their point, smaller neighbours (a city's three northern counties) move
 * beside it, inside the map, with a leader line back to their point.
 */
export function declutter(m: MapLibre, entries: MarkerEntry[]): void {
  const width = m.getContainer().clientWidth;
  const height = m.getContainer().clientHeight;
  const labels = entries
    .filter((e) => e.declutter)
    .map((e) => ({ e, p: m.project(e.lngLat), w: e.el.offsetWidth + LABEL_GAP, h: e.el.offsetHeight + LABEL_GAP }));
  labels.sort((a, b) => b.e.priority - a.e.priority || b.e.lngLat[1] - a.e.lngLat[1]);
  const placed: Box[] = [];
  const points = labels.map((l) => l.p);
  for (const l of labels) {
    const inside = (b: Box) => b.x0 >= EDGE && b.y0 >= EDGE && b.x1 <= width - EDGE && b.y1 <= height - EDGE;
    const free = (b: Box) => !placed.some((q) => overlaps(b, q));
    // Another region's point under a label would hide where that region's own label points.
    const clearOfPoints = (b: Box) =>
      points.every((q) => q === l.p || q.x < b.x0 - 4 || q.x > b.x1 + 4 || q.y < b.y0 - 4 || q.y > b.y1 + 4);
    const tries = candidates(l.w, l.h);
    const fits = (strict: boolean) =>
      tries.find(([dx, dy]) => {
        const b = boxAt(l.p.x + dx, l.p.y + dy, l.w, l.h);
        return free(b) && (!strict || (inside(b) && clearOfPoints(b)));
      });
    const chosen = fits(true) ?? fits(false) ?? [0, 0];
    l.e.marker.setOffset(chosen);
    placed.push(boxAt(l.p.x + chosen[0], l.p.y + chosen[1], l.w, l.h));
    drawLeader(l.e, chosen, l.w - LABEL_GAP, l.h - LABEL_GAP);
  }
}

/** A thin line from the moved label's edge back to its region's point, with a dot there. */
function drawLeader(e: MarkerEntry, [dx, dy]: [number, number], w: number, h: number): void {
  const far = Math.abs(dx) > w / 2 || Math.abs(dy) > h / 2;
  if (!far) {
    e.leader?.remove();
    e.leader = null;
    return;
  }
  if (!e.leader) {
    e.leader = document.createElementNS(SVG_NS, 'svg');
    e.leader.setAttribute('class', 'map-leader');
    e.leader.append(document.createElementNS(SVG_NS, 'line'), document.createElementNS(SVG_NS, 'circle'));
    e.node.prepend(e.leader);
  }
  // From the centre towards the point, leave the label's box where the line crosses its edge.
  const t = Math.min(dx === 0 ? Infinity : w / 2 / Math.abs(dx), dy === 0 ? Infinity : h / 2 / Math.abs(dy));
  const [line, dot] = e.leader.children as unknown as [SVGLineElement, SVGCircleElement];
  line.setAttribute('x1', String(-dx * t));
  line.setAttribute('y1', String(-dy * t));
  line.setAttribute('x2', String(-dx));
  line.setAttribute('y2', String(-dy));
  dot.setAttribute('cx', String(-dx));
  dot.setAttribute('cy', String(-dy));
  dot.setAttribute('r', '4');
}
