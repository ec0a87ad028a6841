import { useNow } from '../lib/clock';
import { t } from '../lib/i18n';
import { clockTime, formatAge } from '../lib/time';

/**
 * How old a panel's figures are: "实时 · 更新于 14:05:09" while the link is live, and the age
 * since the figures were last known current when it is not.
 */
export function DataAge(props: { changedAt: number | null; currentAt: number | null; stale: boolean }) {
  const now = useNow();
  if (props.stale) {
    const at = props.currentAt ?? props.changedAt;
    return (
      <span className="age age--stale" data-testid="data-age" data-stale="true">
        <span className="age__mark">{t('age.stale')}</span>
        {at !== null ? formatAge(now - at) : ''}
      </span>
    );
  }
  return (
    <span className="age" data-testid="data-age" data-stale="false">
      <span className="age__dot" />
      {props.changedAt !== null ? t('age.updated', { time: clockTime(props.changedAt) }) : t('age.live')}
    </span>
  );
}
