import { CLUE_CATEGORIES } from '@zhihui/shared';
import type { MapImage } from '../../ui/MapView';
import { getLocale } from '../../lib/i18n';
import { CATEGORY_STYLE, clueIcon } from './mapData';

const FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';

/**
 * Clue icons drawn on a canvas with the system font: a coloured disc with the category's
 * character, and a red ring when overdue. No sprite or glyph server is needed.
 */
export function drawClueIcons(): Record<string, MapImage> {
  const ratio = 2;
  const size = 34 * ratio;
  const out: Record<string, MapImage> = {};
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return out;
  for (const cat of CLUE_CATEGORIES) {
    for (const overdue of [false, true]) {
      const st = CATEGORY_STYLE[cat];
      ctx.clearRect(0, 0, size, size);
      const c = size / 2;
      ctx.beginPath();
      ctx.arc(c, c, 14 * ratio, 0, Math.PI * 2);
      ctx.fillStyle = '#06101f';
      ctx.fill();
      ctx.lineWidth = (overdue ? 3.5 : 2.5) * ratio;
      ctx.strokeStyle = overdue ? '#ff3040' : st.color;
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(c, c, 10.5 * ratio, 0, Math.PI * 2);
      ctx.fillStyle = st.color;
      ctx.fill();
      ctx.fillStyle = '#06101f';
      ctx.font = `700 ${13 * ratio}px ${FONT}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(getLocale() === 'en' ? st.markEn : st.mark, c, c + 1 * ratio);
      const img = ctx.getImageData(0, 0, size, size);
      out[clueIcon(cat, overdue)] = {
        width: size,
        height: size,
        data: new Uint8ClampedArray(img.data),
        pixelRatio: ratio,
      };
    }
  }
  return out;
}
