import { ErrorCode } from '@zhihui/shared';
import { useNow } from '../lib/clock';
import { t } from '../lib/i18n';
import { clockTime, formatAge } from '../lib/time';
import type { LinkState } from '../lib/section';

/**
 * The whole-wall notice when the link is down: the figures stay, with the moment they were
 * last known current and how long ago that was. It goes away by itself after the resync.
 */
export function ConnectionBanner(props: {
  link: LinkState;
  currentAt: number | null;
  hasData: boolean;
  refused?: { code: string } | null;
}) {
  const now = useNow();
  if (props.link !== 'lost' || (!props.hasData && !props.refused)) return null;
  const at = props.currentAt ?? now;
  if (props.refused) {
    // The server turned the wall away: say why and who can fix it, not just "reconnecting".
    const key = props.refused.code === ErrorCode.tooMany ? 'link.refusedRate' : 'link.refusedToken';
    return (
      <div className="link-banner" role="alert" data-testid="link-refused">
        <span className="link-banner__icon" aria-hidden>
          !
        </span>
        <span className="link-banner__text">{t(key)}</span>
        <span className="link-banner__retry">
          {props.hasData
            ? t('link.lostBanner', { time: clockTime(at), age: formatAge(now - at) })
            : t('link.refusedRetry')}
        </span>
      </div>
    );
  }
  return (
    <div className="link-banner" role="alert" data-testid="link-lost">
      <span className="link-banner__icon" aria-hidden>
        !
      </span>
      <span className="link-banner__text">
        {t('link.lostBanner', { time: clockTime(at), age: formatAge(now - at) })}
      </span>
      <span className="link-banner__retry">{t('link.reconnecting')}</span>
    </div>
  );
}
