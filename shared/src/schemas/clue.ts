import { Type, type Static } from 'typebox';
import { IsoTimeSchema, LatSchema, LonSchema, PageSchema, RegionCodeSchema } from './common.js';

/** Clue categories. Order is the wire code and must only be appended to. */
export const CLUE_CATEGORIES = [
  'environment', // 环保
  'crowd', // 人群聚集
  'epidemic', // 疫情防控
  'dispute', // 矛盾纠纷
  'hazard', // 安全隐患
  'public_opinion', // 社情民意
  'security', // 治安
  'other', // 其他
] as const;
export type ClueCategory = (typeof CLUE_CATEGORIES)[number];

/** Where a clue came from. */
export const CLUE_SOURCES = [
  'video', // 视频研判
  'grid', // 网格员上报
  'hotline', // 热线
  'appeal_day', // 说事儿日
] as const;
export type ClueSource = (typeof CLUE_SOURCES)[number];

/** Lifecycle: 上报 → 核实 → 派发 → 办结 → 归档, or 无效. */
export const CLUE_STATUSES = ['reported', 'verified', 'dispatched', 'resolved', 'closed', 'invalid'] as const;
export type ClueStatus = (typeof CLUE_STATUSES)[number];

/** Transitions the lifecycle allows. `resolved → dispatched` reopens a clue whose fix did not hold. */
export const CLUE_TRANSITIONS: Readonly<Record<ClueStatus, readonly ClueStatus[]>> = {
  reported: ['verified', 'invalid'],
  verified: ['dispatched', 'resolved', 'invalid'],
  dispatched: ['resolved'],
  resolved: ['closed', 'dispatched'],
  closed: [],
  invalid: [],
};

/** States in which a clue still needs work (and so can be overdue). */
export const OPEN_CLUE_STATUSES: readonly ClueStatus[] = ['reported', 'verified', 'dispatched'];
/** States that count as resolved for rates. */
export const DONE_CLUE_STATUSES: readonly ClueStatus[] = ['resolved', 'closed'];

/** Outcome of a dispute's mediation. */
export const MEDIATION_OUTCOMES = ['success', 'failed', 'court'] as const;
export type MediationOutcome = (typeof MEDIATION_OUTCOMES)[number];

export const ClueIdSchema = Type.String({ pattern: '^[0-9A-Za-z_.:-]{1,64}$' });

/** Body of POST /api/v1/clues. */
export const ClueCreateSchema = Type.Object({
  id: Type.Optional(ClueIdSchema),
  category: Type.Enum(CLUE_CATEGORIES),
  source: Type.Enum(CLUE_SOURCES),
  region: RegionCodeSchema,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  lon: Type.Optional(LonSchema),
  lat: Type.Optional(LatSchema),
  reportedAt: Type.Optional(IsoTimeSchema),
  dueAt: Type.Optional(IsoTimeSchema),
  /**
   * Due in working days ("3个工作日"): the end of the nth working day after the day of report, by
   * China's official calendar with 调休 and the admin's override table. Instead of dueAt.
   */
  dueWorkdays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  urgent: Type.Optional(Type.Boolean()),
  gridWorkerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type ClueCreate = Static<typeof ClueCreateSchema>;

/** Body of PATCH /api/v1/clues/:id. */
export const CluePatchSchema = Type.Object({
  status: Type.Enum(CLUE_STATUSES),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  outcome: Type.Optional(Type.Enum(MEDIATION_OUTCOMES)),
  at: Type.Optional(IsoTimeSchema),
  /** A new due time, typically set when dispatching (派发, 限时办结). */
  dueAt: Type.Optional(IsoTimeSchema),
});
export type CluePatch = Static<typeof CluePatchSchema>;

/** A stored clue. */
export const ClueSchema = Type.Object({
  id: Type.String(),
  category: Type.Enum(CLUE_CATEGORIES),
  source: Type.Enum(CLUE_SOURCES),
  region: RegionCodeSchema,
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  reportedAt: IsoTimeSchema,
  dueAt: Type.Union([IsoTimeSchema, Type.Null()]),
  status: Type.Enum(CLUE_STATUSES),
  assignee: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Enum(MEDIATION_OUTCOMES), Type.Null()]),
  urgent: Type.Boolean(),
  gridWorkerId: Type.Union([Type.String(), Type.Null()]),
  /** When it reached resolved (办结), if it did. */
  resolvedAt: Type.Union([IsoTimeSchema, Type.Null()]),
  updatedAt: IsoTimeSchema,
  /** Name of the API key (or `simulator`, `fixture`) that created it. */
  createdBy: Type.String(),
});
export type Clue = Static<typeof ClueSchema>;

/** One lifecycle step of a clue. */
export const ClueEventSchema = Type.Object({
  from: Type.Union([Type.Enum(CLUE_STATUSES), Type.Null()]),
  to: Type.Enum(CLUE_STATUSES),
  at: IsoTimeSchema,
  actor: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
});
export type ClueEvent = Static<typeof ClueEventSchema>;

export const ClueWithHistorySchema = Type.Intersect([
  ClueSchema,
  Type.Object({ history: Type.Array(ClueEventSchema) }),
]);
export type ClueWithHistory = Static<typeof ClueWithHistorySchema>;

/** GET /api/v1/clues: query and one page. */
export const ClueListQuerySchema = Type.Object({
  region: Type.Optional(Type.String({ description: 'region code: the clues of its whole subtree' })),
  status: Type.Optional(Type.String({ description: `comma-separated: ${CLUE_STATUSES.join(', ')}` })),
  category: Type.Optional(Type.String({ description: `comma-separated: ${CLUE_CATEGORIES.join(', ')}` })),
  from: Type.Optional(
    Type.String({ description: 'reported at or after (ISO 8601; a bare date is its start in Asia/Shanghai)' }),
  ),
  to: Type.Optional(Type.String({ description: 'reported before' })),
  open: Type.Optional(Type.Boolean({ description: 'only clues still open (reported, verified, dispatched)' })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});
export const CluePageSchema = PageSchema(ClueSchema);
/** Path of PATCH /api/v1/clues/:id (a clue id) and GET /clues/:id (any string: an unknown one is 404). */
export const ClueIdParamsSchema = Type.Object({ id: ClueIdSchema });
export const ClueLookupParamsSchema = Type.Object({ id: Type.String({ maxLength: 200 }) });
