import { useEffect, useState } from 'react';

/**
 * Scene rotation: the overview, then each child region in turn, each for its own time.
 * Returns the child index on show, or null for the overview.
 */
export function useScene(children: number, overviewSec: number | null, sceneSec: number | null): number | null {
  // The scene belongs to one rotation: when its settings change, the overview shows until the
  // new rotation moves on (derived here, not reset by an effect).
  const rotation = `${children}/${overviewSec}/${sceneSec}`;
  const [scene, setScene] = useState<{ rotation: string; index: number | null }>({ rotation, index: null });
  useEffect(() => {
    if (sceneSec === null || children === 0) return;
    let current: number | null = null;
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      current = current === null ? 0 : current + 1 >= children ? null : current + 1;
      setScene({ rotation, index: current });
      timer = setTimeout(next, (current === null ? (overviewSec ?? sceneSec) : sceneSec) * 1000);
    };
    timer = setTimeout(next, (overviewSec ?? sceneSec) * 1000);
    return () => clearTimeout(timer);
  }, [children, overviewSec, sceneSec, rotation]);
  return scene.rotation === rotation && sceneSec !== null && children > 0 ? scene.index : null;
}
