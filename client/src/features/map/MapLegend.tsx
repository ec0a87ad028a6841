import { CLUE_CATEGORIES, formatRate } from '@zhihui/shared';
import { getLocale, t, wallLabel } from '../../lib/i18n';
import { CATEGORY_STYLE, NO_DATA_COLOR, RATE_BANDS } from './mapData';

/** The map's key: rate bands, clue categories, overdue and offline marks. */
export function MapLegend() {
  return (
    <div className="map-legend" data-testid="map-legend">
      <div className="map-legend__title">{t('map.legend')}</div>
      {RATE_BANDS.map((b, i) => (
        <div className="map-legend__row" key={b.key}>
          <span className="map-legend__swatch" style={{ background: b.color }} />
          <span>
            {i === 0
              ? `≥ ${formatRate(b.min, 0)}`
              : `${formatRate(b.min, 0)} – ${formatRate(RATE_BANDS[i - 1]!.min, 0)}`}
          </span>
        </div>
      ))}
      <div className="map-legend__row">
        <span className="map-legend__swatch" style={{ background: NO_DATA_COLOR }} />
        <span>{t('map.noData')}</span>
      </div>
      <div className="map-legend__cats">
        {CLUE_CATEGORIES.filter((c) => c !== 'other').map((c) => (
          <span className="map-legend__cat" key={c}>
            <span className="map-legend__mark" style={{ background: CATEGORY_STYLE[c].color }}>
              {getLocale() === 'en' ? CATEGORY_STYLE[c].markEn : CATEGORY_STYLE[c].mark}
            </span>
            {wallLabel('category', c)}
          </span>
        ))}
        <span className="map-legend__cat">
          <span className="map-legend__mark map-legend__mark--overdue" />
          {t('map.overdue')}
        </span>
        <span className="map-legend__cat">
          <span className="map-legend__dot" />
          {t('map.cameraOffline')}
        </span>
      </div>
    </div>
  );
}
