import { createContext, useContext, useLayoutEffect, useState, type ReactNode } from 'react';

export type CanvasLayout = 'standard' | 'wide';

export interface CanvasInfo {
  /** Logical size of the design canvas. */
  width: number;
  height: number;
  /** Screen pixels per logical pixel (CSS px, before devicePixelRatio). */
  scale: number;
  layout: CanvasLayout;
}

const CanvasContext = createContext<CanvasInfo>({ width: 1920, height: 1080, scale: 1, layout: 'standard' });

/** The design canvas the wall is drawn on: 1920×1080 for 16:9-ish screens, 3840×1080 for 32:9. */
export function canvasFor(viewW: number, viewH: number, forced: CanvasLayout | null): CanvasInfo {
  const layout: CanvasLayout = forced ?? (viewW / Math.max(1, viewH) >= 2.6 ? 'wide' : 'standard');
  const width = layout === 'wide' ? 3840 : 1920;
  const height = 1080;
  const scale = Math.min(viewW / width, viewH / height);
  return { width, height, scale: scale > 0 ? scale : 1, layout };
}

export function useCanvas(): CanvasInfo {
  return useContext(CanvasContext);
}

/**
 * A fixed logical canvas scaled uniformly to fit the window, centred with letterboxing: text
 * and figures keep their proportions on any wall, from a laptop to a 4K or 32:9 screen.
 */
export function ScaledCanvas(props: {
  layout: CanvasLayout | null;
  children: ReactNode;
  shift?: { x: number; y: number };
}) {
  const [view, setView] = useState(() => ({ w: window.innerWidth, h: window.innerHeight }));
  useLayoutEffect(() => {
    const onResize = () => setView({ w: window.innerWidth, h: window.innerHeight });
    window.addEventListener('resize', onResize);
    onResize();
    return () => window.removeEventListener('resize', onResize);
  }, []);
  const info = canvasFor(view.w, view.h, props.layout);
  const left = (view.w - info.width * info.scale) / 2;
  const top = (view.h - info.height * info.scale) / 2;
  const shift = props.shift ?? { x: 0, y: 0 };
  return (
    <CanvasContext.Provider value={info}>
      <div className="letterbox">
        <div
          className={`canvas canvas--${info.layout}`}
          data-testid="wall-canvas"
          style={{
            width: info.width,
            height: info.height,
            transform: `translate(${left}px, ${top}px) scale(${info.scale})`,
          }}
        >
          {/* Burn-in protection moves the content a few pixels, slowly, inside the canvas. */}
          <div className="canvas__shift" style={{ transform: `translate(${shift.x}px, ${shift.y}px)` }}>
            {props.children}
          </div>
        </div>
      </div>
    </CanvasContext.Provider>
  );
}
