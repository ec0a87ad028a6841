import { Type, type Static } from 'typebox';
import { IsoTimeSchema, RegionCodeSchema } from './common.js';
import { MAX_INVENTORY_ROWS } from './camera.js';
import { ClueCreateSchema, ClueSchema } from './clue.js';

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

/** Body of PUT /api/v1/grid/workers: rows checked one by one (GridWorkerSchema), so one bad row does not fail the rest. */
export const WorkersBodySchema = Type.Object({
  workers: Type.Array(Type.Unknown(), {
    minItems: 1,
    maxItems: MAX_INVENTORY_ROWS,
    description: 'GridWorker rows: { id, name, region, phone?, onDuty? }',
  }),
});
/** GET /api/v1/grid/workers. */
export const WorkerListQuerySchema = Type.Object({ region: Type.Optional(Type.String()) });
export const WorkerListSchema = Type.Object({ items: Type.Array(GridWorkerViewSchema) });
/** PUT /api/v1/grid/workers/:id/duty. */
export const WorkerParamsSchema = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const WorkerDutySchema = Type.Object({ onDuty: Type.Boolean() });
/** Answer of POST /api/v1/grid/reports: the report, the clue it raised, and whether it is new. */
export const GridReportResultSchema = Type.Object({
  report: GridReportSchema,
  clue: Type.Union([ClueSchema, Type.Null()]),
  created: Type.Boolean(),
});
