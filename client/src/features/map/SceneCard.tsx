import { countedChannels, formatRate, type RegionSnapshot } from '@zhihui/shared';
import { t } from '../../lib/i18n';

/** The child region the scene rotation shows: its name, rate and today's clue counts. */
export function SceneCard(props: {
  region: RegionSnapshot['children'][number];
  figures: RegionSnapshot['childFigures'][number];
}) {
  const { region, figures } = props;
  const cams = figures.today.cameras;
  return (
    <div className="scene-card" data-testid="scene-card">
      <div className="scene-card__name">{region.name}</div>
      <div className="scene-card__rate">{formatRate(cams.operationalRate)}</div>
      <div className="scene-card__row">
        {t('video.rate')} · {cams.online}/{countedChannels(cams)}
      </div>
      <div className="scene-card__row">
        {t('clues.today')} {figures.today.clues.total} · {t('clues.overdue')} {figures.today.clues.overdue}
      </div>
    </div>
  );
}
