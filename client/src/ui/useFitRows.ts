import { useLayoutEffect, useRef, useState } from 'react';

/**
 * How many rows of a fixed height fit in a box, kept up to date with a ResizeObserver: lists
 * show whole rows on every layout (16:9 or 32:9) instead of cutting the last one.
 */
export function useFitRows<T extends HTMLElement>(rowPx: number, gapPx: number, fallback: number) {
  const ref = useRef<T>(null);
  const [rows, setRows] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const h = el.clientHeight;
      if (h > 0) setRows(Math.max(1, Math.floor((h + gapPx) / (rowPx + gapPx))));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [rowPx, gapPx]);
  return [ref, rows] as const;
}
