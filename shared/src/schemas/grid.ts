import { Type, type Static } from 'typebox';
import { IsoTimeSchema, RegionCodeSchema } from './common.js';
import { ClueCreateSchema } from './clue.js';

/** A grid worker (网格员). */
export const GridWorkerSchema = Type.Object({
  id: Type.String({ pattern: '^[0-9A-Za-z_.:-]{1,64}$' }),
  name: Type.String({ minLength: 1, maxLength: 60 }),
  /** The grid: a township or village code. */
  region: RegionCodeSchema,
  phone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+\\- ]{5,20}$' }), Type.Null()])),
  onDuty: Type.Optional(Type.Boolean()),
});
export type GridWorkerInput = Static<typeof GridWorkerSchema>;

export const GridWorkerViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  region: RegionCodeSchema,
  phone: Type.Union([Type.String(), Type.Null()]),
  onDuty: Type.Boolean(),
  lastReportAt: Type.Union([IsoTimeSchema, Type.Null()]),
});
export type GridWorkerView = Static<typeof GridWorkerViewSchema>;

/** Body of POST /api/v1/grid/reports: a patrol report, which may raise a clue. */
export const GridReportCreateSchema = Type.Object({
  /** The sender's id for the report: a retry with the same id is stored once. */
  id: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z_.:-]{1,64}$' })),
  workerId: Type.String({ minLength: 1, maxLength: 64 }),
  at: Type.Optional(IsoTimeSchema),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
  clue: Type.Optional(Type.Omit(ClueCreateSchema, ['region', 'gridWorkerId', 'source'])),
});
export type GridReportCreate = Static<typeof GridReportCreateSchema>;

export const GridReportSchema = Type.Object({
  id: Type.String(),
  workerId: Type.String(),
  region: RegionCodeSchema,
  at: IsoTimeSchema,
  text: Type.String(),
  clueId: Type.Union([Type.String(), Type.Null()]),
});
export type GridReport = Static<typeof GridReportSchema>;
