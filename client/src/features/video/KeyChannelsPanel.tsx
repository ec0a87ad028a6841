import { useEffect, useState } from 'react';
import { t } from '../../lib/i18n';
import { Panel } from '../../ui/Panel';
import { useVideo } from './VideoProvider';
import { VideoTile } from './VideoTile';

/**
 * 重点点位: the region's key channels, `keyTiles` at a time, moving on every `intervalSec`
 * (video.keySec) by itself, so an unattended wall needs no mouse. A channel that rotates out
 * unmounts its tile, which stops its player and closes its session.
 */
export function KeyChannelsPanel() {
  const { key, keyTiles } = useVideo();
  const channels = key?.channels ?? [];
  const n = channels.length;
  const shown = Math.max(1, Math.min(keyTiles, n));
  const [step, setStep] = useState(0);
  const intervalSec = key?.intervalSec ?? 15;
  useEffect(() => {
    if (n <= shown) return;
    const timer = setInterval(() => setStep((s) => s + 1), intervalSec * 1000);
    return () => clearInterval(timer);
  }, [n, shown, intervalSec]);
  const first = n === 0 ? 0 : (step * shown) % n;
  const visible = Array.from({ length: Math.min(shown, n) }, (_, i) => channels[(first + i) % n]!);
  const pages = n <= shown ? 0 : Math.ceil(n / shown);
  const page = pages === 0 ? 0 : Math.floor(first / shown);
  return (
    <Panel
      title={t('panel.keyChannels')}
      testId="panel-key-channels"
      extra={key?.auto ? <span className="keych__auto">{t('tile.auto')}</span> : undefined}
    >
      <div className={`keych keych--n${shown >= 4 ? 4 : shown}`} data-testid="key-channels" data-count={n}>
        {n === 0 ? (
          <div className="keych__empty">{key ? t('tile.none') : '…'}</div>
        ) : (
          visible.map((c) => <VideoTile key={c.id} channel={c} testId="key-tile" />)
        )}
        {pages > 1 && pages <= 12 && (
          <div className="keych__dots">
            {Array.from({ length: pages }, (_, i) => (
              <span key={i} className={`keych__dot ${i === page ? 'keych__dot--on' : ''}`} />
            ))}
          </div>
        )}
      </div>
    </Panel>
  );
}
