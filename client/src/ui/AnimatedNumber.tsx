import { useEffect, useRef, useState } from 'react';
import { useLatest } from '../lib/useLatest';

/** A count that rolls to its new value (a clue came in) instead of jumping. */
export function AnimatedNumber(props: { value: number; durationMs?: number; className?: string; testId?: string }) {
  const [shown, setShown] = useState(props.value);
  const from = useRef(props.value);
  const shownRef = useLatest(shown);
  useEffect(() => {
    const start = performance.now();
    const a = shownRef.current;
    const b = props.value;
    if (a === b) return;
    from.current = a;
    const dur = props.durationMs ?? 900;
    let raf = 0;
    const step = (t: number) => {
      const k = Math.min(1, (t - start) / dur);
      const eased = 1 - (1 - k) ** 3;
      setShown(Math.round(a + (b - a) * eased));
      if (k < 1) raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [props.value, props.durationMs, shownRef]);
  return (
    <span className={props.className} data-testid={props.testId} data-value={props.value}>
      {shown.toLocaleString('en-US')}
    </span>
  );
}
