import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useNow } from '../../lib/clock';
import { t, wallLabel } from '../../lib/i18n';
import type { SectionProps } from '../../lib/section';
import { alertsByRegion } from './alerts';

/** One line per child region with trouble, worst first; a calm line when there is none. */
export function AlertStrip(p: SectionProps) {
  const now = useNow();
  const minute = Math.floor(now / 60_000);
  const s = p.snapshot;
  const alerts = useMemo(() => alertsByRegion(s, minute * 60_000), [s, minute]);
  const childLevel = s.children[0]?.level ?? s.region.level;
  const [trackRef, itemsRef, scrolls] = useMarquee(alerts.length > 0);
  return (
    <div className={`alerts ${p.stale ? 'alerts--stale' : ''}`} data-testid="alerts">
      <span className="alerts__title">{t('panel.alerts')}</span>
      <div className="alerts__track" ref={trackRef}>
        {alerts.length === 0 ? (
          <span className="alerts__calm">{t('alerts.none', { level: wallLabel('level', childLevel) })}</span>
        ) : (
          <div ref={itemsRef} className={`alerts__items ${scrolls ? 'alerts__items--scroll' : ''}`}>
            {[...alerts, ...(scrolls ? alerts : [])].map((a, i) => (
              <span
                className="alerts__item"
                key={`${a.code}-${i}`}
                data-testid={i < alerts.length ? 'alert-item' : undefined}
              >
                {a.down > 0 && (
                  <span className="alerts__down">{t('alerts.offline', { region: a.name, n: a.down })}</span>
                )}
                {a.overdue > 0 && (
                  <span className="alerts__overdue">
                    {a.down > 0
                      ? t('alerts.overdueMore', { n: a.overdue })
                      : t('alerts.overdue', { region: a.name, n: a.overdue })}
                  </span>
                )}
              </span>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * Whether the alert line is wider than its track: only then does it scroll (as two copies, so the
 * loop is seamless). Measured, not counted, so a long English line scrolls and three short
 * Chinese ones stand still. Measured when the track or the line changes size (a ResizeObserver
 * reports after layout), not on every update: new counts that leave the line as wide as it was
 * force no layout.
 */
function useMarquee(hasItems: boolean) {
  const track = useRef<HTMLDivElement>(null);
  const items = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const tr = track.current;
    const it = items.current;
    if (!tr || !it) {
      setScrolls(false);
      return;
    }
    const ro = new ResizeObserver(() => {
      // While scrolling the line holds two copies: one copy is half of it.
      const one = it.classList.contains('alerts__items--scroll') ? it.scrollWidth / 2 : it.scrollWidth;
      setScrolls(one > tr.clientWidth + 1);
    });
    ro.observe(tr);
    ro.observe(it);
    return () => ro.disconnect();
  }, [hasItems]);
  return [track, items, scrolls] as const;
}
