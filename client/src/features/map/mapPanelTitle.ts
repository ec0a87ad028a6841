import { t } from '../../lib/i18n';

/** The map panel's title, shared by the map and the frame that stands in while its code loads. */
export const mapPanelTitle = (regionName: string): string => `${regionName} · ${t('panel.map')}`;
