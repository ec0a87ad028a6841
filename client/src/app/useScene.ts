import { useEffect, useState } from 'react';

/**
 * Scene rotation: the overview, then each child region in turn, each for its own time.
 * Returns the child index on show, or null for the overview.
 */
export function useScene(children: number, overviewSec: number | null, sceneSec: number | null): number | null {
  const [scene, setScene] = useState<number | null>(null);
  useEffect(() => {
    if (sceneSec === null || children === 0) {
      setScene(null);
      return;
    }
    let current: number | null = null;
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      current = current === null ? 0 : current + 1 >= children ? null : current + 1;
      setScene(current);
      timer = setTimeout(next, (current === null ? (overviewSec ?? sceneSec) : sceneSec) * 1000);
    };
    timer = setTimeout(next, (overviewSec ?? sceneSec) * 1000);
    return () => clearTimeout(timer);
  }, [children, overviewSec, sceneSec]);
  return scene;
}
