import { parse } from 'csv-parse/sync';
import { ErrorCode } from '@zhihui/shared';
import { HttpError } from './errors.js';

const REQUIRED = ['id', 'name', 'region', 'lon', 'lat'] as const;
const ALIASES: Record<string, string> = {
  in_service: 'inService',
  valid_from: 'validFrom',
  validfrom: 'validFrom',
  inservice: 'inService',
  longitude: 'lon',
  latitude: 'lat',
  lng: 'lon',
};
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', '1', 'yes', 'y', '是', '在用']);
const FALSE = new Set(['false', '0', 'no', 'n', '否', '停用']);

/**
 * Parses an inventory CSV (header row with the JSON field names; UTF-8, BOM or not) into rows
 * shaped like the JSON body. Values that do not convert are left as strings, so the row's schema
 * check rejects that row naming the field instead of failing the whole file.
 */
export function parseCameraCsv(text: string): Record<string, unknown>[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new HttpError(400, ErrorCode.validation, `body: CSV${e.lines ? ` line ${e.lines}` : ''}: ${e.message}`, [
      { field: '(body)', message: e.message },
    ]);
  }
  const [header, ...rows] = records;
  if (!header)
    throw new HttpError(
      400,
      ErrorCode.validation,
      'body: the CSV is empty; expected a header row id,name,region,lon,lat[,inService]',
      [{ field: '(body)', message: 'empty CSV' }],
    );
  const columns = header.map((h) => {
    const k = h.trim();
    return ALIASES[k.toLowerCase()] ?? k;
  });
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new HttpError(
      400,
      ErrorCode.validation,
      `body: the CSV header lacks ${missing.join(', ')} (expected id,name,region,lon,lat[,inService])`,
      missing.map((field) => ({ field, message: 'column missing from the CSV header' })),
    );
  }
  return rows.map((cells) => {
    const row: Record<string, unknown> = {};
    columns.forEach((col, i) => {
      const v = cells[i];
      if (v === undefined || v === '') return;
      if (col === 'lon' || col === 'lat') row[col] = NUMBER.test(v) ? Number(v) : v;
      else if (col === 'inService') {
        const l = v.toLowerCase();
        row[col] = TRUE.has(l) ? true : FALSE.has(l) ? false : v;
      } else row[col] = v;
    });
    return row;
  });
}
