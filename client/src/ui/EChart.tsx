import { lazy, Suspense } from 'react';
import type { EChartProps } from './EChartCanvas';

export type { ChartOption } from './EChartCanvas';

// ECharts (about half a megabyte of script) loads beside the wall's figures, not before them: the
// figures show as soon as the snapshot is in, and each chart fills its box when its code arrives.
const EChartCanvas = lazy(() => import('./EChartCanvas').then((m) => ({ default: m.EChartCanvas })));

/** A chart (see EChartCanvas); until ECharts has loaded, its empty box holds the layout. */
export function EChart(props: EChartProps) {
  const className = props.className ?? 'chart';
  return (
    <Suspense fallback={<div className={className} />}>
      <EChartCanvas {...props} className={className} />
    </Suspense>
  );
}
