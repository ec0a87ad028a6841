import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { useCanvas } from './ScaledCanvas';

echarts.use([BarChart, LineChart, GridComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;

/**
 * An ECharts instance created once; later options are merged in place (`setOption`), it follows
 * its box with a ResizeObserver, and is disposed on unmount. The pixel ratio includes the wall's
 * scale so charts stay sharp on a 4K screen.
 */
export function EChart(props: { option: ChartOption; className?: string; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { scale } = useCanvas();
  const ratio = Math.max(1, (window.devicePixelRatio || 1) * scale);

  useEffect(() => {
    const node = el.current!;
    const c = echarts.init(node, null, { renderer: 'canvas', devicePixelRatio: ratio });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
    // The pixel ratio is fixed at creation: a new wall scale (window resize) re-creates the chart.
  }, [ratio]);

  useEffect(() => {
    // Options are whole (pure functions of the data): replace rather than merge, so a re-ordered
    // ranking never keeps stale bars or labels.
    chart.current?.setOption(props.option, { notMerge: true, lazyUpdate: true });
  }, [props.option, ratio]);

  return <div ref={el} className={props.className ?? 'chart'} data-testid={props.testId} />;
}
