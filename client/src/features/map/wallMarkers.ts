import { t, wallLabel } from '../../lib/i18n';
import type { Arrival } from '../../lib/section';
import type { HtmlMarker } from '../../ui/MapView';
import type { RegionLabel } from './mapData';

/** How long a new clue's pulse shows on the map. */
export const PULSE_MS = 12_000;

/** The newest urgent arrival with a place, still within its `urgentSec`; null when none is. */
export function latestUrgent(arrivals: readonly Arrival[], now: number, urgentSec: number): Arrival | null {
  for (let i = arrivals.length - 1; i >= 0; i--) {
    const a = arrivals[i]!;
    if (now - a.at > urgentSec * 1000) break;
    if (a.clue.urgent && a.clue.lon !== null && a.clue.lat !== null) return a;
  }
  return null;
}

/** The moments at which the map's marks change by themselves: a pulse ends, a spotlight lapses. */
export function arrivalDeadlines(arrivals: readonly Arrival[], urgentSec: number): number[] {
  return arrivals.flatMap((a) => [a.at + PULSE_MS, ...(a.clue.urgent ? [a.at + urgentSec * 1000] : [])]);
}

/**
 * The wall map's HTML marks: region labels (name, rate and, where there is room, counts), a
 * pulse per fresh clue, and the callout of the urgent clue in the spotlight.
 */
export function wallMarkers(input: {
  labels: readonly RegionLabel[];
  compact: boolean;
  arrivals: readonly Arrival[];
  urgent: Arrival | null;
  now: number;
}): HtmlMarker[] {
  const { compact, urgent, now } = input;
  const markers: HtmlMarker[] = input.labels.map((l) => ({
    id: `label-${l.code}`,
    lngLat: l.lngLat,
    className: `region-label region-label--${l.band}${l.alert ? ' region-label--alert' : ''}${compact ? ' region-label--compact' : ''}`,
    declutter: true,
    priority: l.area,
    lines: [
      { text: l.name, className: 'region-label__name' },
      { text: l.rateText, className: 'region-label__rate' },
      ...(compact ? [] : [{ text: l.counts, className: 'region-label__counts' }]),
    ],
  }));
  for (const a of input.arrivals) {
    if (now - a.at > PULSE_MS || a.clue.lon === null || a.clue.lat === null) continue;
    markers.push({
      id: `pulse-${a.n}`,
      lngLat: [a.clue.lon, a.clue.lat],
      className: `pulse pulse--${a.clue.category}`,
      lines: [],
    });
  }
  if (urgent) {
    markers.push({
      id: `urgent-${urgent.n}`,
      lngLat: [urgent.clue.lon!, urgent.clue.lat!],
      className: 'urgent-callout',
      offset: [0, -64],
      lines: [
        {
          text: `${t('clues.urgent')} · ${wallLabel('category', urgent.clue.category)}`,
          className: 'urgent-callout__tag',
        },
        { text: urgent.clue.title, className: 'urgent-callout__title' },
      ],
    });
  }
  return markers;
}
