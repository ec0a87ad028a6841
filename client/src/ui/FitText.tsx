import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * A one-line figure that shrinks to fit its box instead of spilling into the next one: a "100%"
 * or a five-digit count keeps the panel's layout on every wall. It scales with a transform, so
 * the row's height and alignment stay as designed; `min` bounds the shrink so a figure never
 * becomes unreadable (past it, the figure overflows and the e2e overflow check says so).
 */
export function FitText(props: {
  children: ReactNode;
  className?: string;
  testId?: string;
  value?: string | number;
  min?: number;
  align?: 'left' | 'center' | 'right';
}) {
  const box = useRef<HTMLSpanElement>(null);
  const inner = useRef<HTMLSpanElement>(null);
  const min = props.min ?? 0.6;
  useLayoutEffect(() => {
    const b = box.current;
    const i = inner.current;
    if (!b || !i) return;
    const fit = () => {
      // offsetWidth ignores the transform: the natural width of the text.
      const natural = i.offsetWidth;
      const room = b.clientWidth;
      const k = natural > room && natural > 0 && room > 0 ? Math.max(min, room / natural) : 1;
      i.style.transform = k < 1 ? `scale(${k})` : '';
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(b);
    ro.observe(i);
    return () => ro.disconnect();
  }, [min]);
  const origin = props.align === 'center' ? 'center' : props.align === 'right' ? 'right' : 'left';
  return (
    <span ref={box} className={`fit ${props.className ?? ''}`} data-testid={props.testId} data-value={props.value}>
      <span ref={inner} className="fit__inner" style={{ transformOrigin: `${origin} 75%` }}>
        {props.children}
      </span>
    </span>
  );
}
