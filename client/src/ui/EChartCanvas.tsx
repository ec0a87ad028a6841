import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { sameData } from './sameData';
import { useCanvas } from './ScaledCanvas';

echarts.use([BarChart, LineChart, GridComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;
export interface EChartProps {
  option: ChartOption;
  className?: string;
  testId?: string;
}

/**
 * An ECharts instance created once; later options are set in place (`setOption`, skipped when
 * equal as data to the one shown), it follows its box with a ResizeObserver, and is disposed on
 * unmount. The pixel ratio includes the wall's scale so charts stay sharp on a 4K screen.
 */
export function EChartCanvas(props: EChartProps & { className: string }) {
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

  // The option the chart holds, and for which instance: an option equal as data to it (new figures
  // that leave every bar and label as it was) is not set again, which would rebuild the chart.
  const shown = useRef<{ chart: echarts.ECharts | null; option: ChartOption | null }>({ chart: null, option: null });
  useEffect(() => {
    const c = chart.current;
    if (!c || (shown.current.chart === c && sameData(shown.current.option, props.option))) return;
    // Options are whole (pure functions of the data): replace rather than merge, so a re-ordered
    // ranking never keeps stale bars or labels.
    c.setOption(props.option, { notMerge: true, lazyUpdate: true });
    shown.current = { chart: c, option: props.option };
  }, [props.option, ratio]);

  return <div ref={el} className={props.className} data-testid={props.testId} />;
}
