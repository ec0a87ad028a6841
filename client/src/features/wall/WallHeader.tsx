import type { Region } from '@zhihui/shared';
import { useNow } from '../../lib/clock';
import { label, t } from '../../lib/i18n';
import { clockTime, longDate } from '../../lib/time';
import type { LinkState } from '../../lib/section';

/** Title bar: which region and level, the date and clock (Asia/Shanghai), and the link state. */
export function WallHeader(props: { region: Region | null; regionCode: string; path: Region[]; link: LinkState }) {
  const now = useNow();
  const name = props.region?.name ?? props.regionCode;
  const parent = props.path.length ? props.path[props.path.length - 1]!.name : '';
  return (
    <header className="wall-header" data-testid="panel-header">
      <div className="wall-header__left">
        <div className="wall-header__region" data-testid="region-name">
          {name}
        </div>
        <div className="wall-header__level">
          {parent && <span>{parent} · </span>}
          {props.region ? label('level', props.region.level) : ''}
        </div>
      </div>
      <div className="wall-header__center">
        <div className="wall-header__wing wall-header__wing--l" />
        <h1 className="wall-header__title">{t('app.wallTitle', { region: name })}</h1>
        <div className="wall-header__wing wall-header__wing--r" />
        <div className="wall-header__subtitle">{t('app.subtitle')}</div>
      </div>
      <div className="wall-header__right">
        <div className="wall-header__time">
          <div className="wall-header__clock" data-testid="clock">
            {clockTime(now)}
          </div>
          <div className="wall-header__date">{longDate(now)}</div>
        </div>
        <div className={`link link--${props.link}`} data-testid="link-state" data-link={props.link}>
          <span className="link__dot" />
          {t(`link.${props.link}`)}
        </div>
      </div>
    </header>
  );
}
