import { Type, type Static } from 'typebox';
import { CLUE_CATEGORIES } from './clue.js';
import { IsoTimeSchema, RegionCodeSchema } from './common.js';

/**
 * 说事儿 (Qinglong's 双山子镇 model): 说事 — appeals heard, on the 6th and 16th (说事儿日) or any
 * day; 议事 — appeals grouped into topics (议题) deliberated on the 26th; 办事 — one owner, a due
 * time and an outcome per appeal or topic; 评事 — the monthly red and black list of villages.
 */
export const APPEAL_OUTCOMES = ['resolved', 'explained', 'referred'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];
/** Days of the month that are 说事儿日. */
export const APPEAL_DAYS: readonly number[] = [6, 16];
/** Day of the month of the 集中议事日. */
export const TOPIC_DAY = 26;

const Id = Type.String({ pattern: '^[0-9A-Za-z_.:-]{1,64}$' });
const Name = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

/** Body of POST /api/v1/appeals (说事). */
export const AppealCreateSchema = Type.Object(
  {
    id: Type.Optional(Id),
    /** The township whose 说事儿 heard it. */
    region: RegionCodeSchema,
    village: Name(40),
    appellant: Name(40),
    text: Name(2000),
    category: Type.Enum(CLUE_CATEGORIES),
    heardAt: Type.Optional(IsoTimeSchema),
  },
  { additionalProperties: false },
);
export type AppealCreate = Static<typeof AppealCreateSchema>;

/** Body of PATCH /api/v1/appeals/:id (办事): owner, due time, outcome, topic. */
export const AppealPatchSchema = Type.Object(
  {
    owner: Type.Optional(Name(60)),
    dueAt: Type.Optional(IsoTimeSchema),
    outcome: Type.Optional(Type.Enum(APPEAL_OUTCOMES)),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    /** A topic of the same township; null takes it out of its topic. */
    topicId: Type.Optional(Type.Union([Id, Type.Null()])),
    /** The clue raised from this appeal (a clue of its township that the caller reaches). */
    clueId: Type.Optional(Id),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AppealPatch = Static<typeof AppealPatchSchema>;

export const AppealSchema = Type.Object({
  id: Type.String(),
  region: RegionCodeSchema,
  village: Type.String(),
  appellant: Type.String(),
  text: Type.String(),
  category: Type.Enum(CLUE_CATEGORIES),
  heardAt: IsoTimeSchema,
  /** Heard on a 说事儿日 (the 6th or 16th, Beijing time). */
  appealDay: Type.Boolean(),
  topicId: Type.Union([Type.String(), Type.Null()]),
  owner: Type.Union([Type.String(), Type.Null()]),
  dueAt: Type.Union([IsoTimeSchema, Type.Null()]),
  outcome: Type.Union([Type.Enum(APPEAL_OUTCOMES), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  /** When the outcome was recorded. */
  doneAt: Type.Union([IsoTimeSchema, Type.Null()]),
  /** The clue this appeal is on the wall as (source appeal_day), when there is one. */
  clueId: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  updatedAt: IsoTimeSchema,
});
export type Appeal = Static<typeof AppealSchema>;

/** Body of POST /api/v1/topics (议事). */
export const TopicCreateSchema = Type.Object(
  {
    id: Type.Optional(Id),
    region: RegionCodeSchema,
    title: Name(200),
    appealIds: Type.Array(Id, { minItems: 1, maxItems: 200 }),
    /** The 集中议事日 (YYYY-MM-DD); default the 26th of the month the first appeal was heard in. */
    meetingDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    decision: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type TopicCreate = Static<typeof TopicCreateSchema>;

/** Body of PATCH /api/v1/topics/:id: the decision, and the topic's owner, due time and outcome (applied to its appeals still without one). */
export const TopicPatchSchema = Type.Object(
  {
    decision: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    owner: Type.Optional(Name(60)),
    dueAt: Type.Optional(IsoTimeSchema),
    outcome: Type.Optional(Type.Enum(APPEAL_OUTCOMES)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TopicPatch = Static<typeof TopicPatchSchema>;

export const TopicSchema = Type.Object({
  id: Type.String(),
  region: RegionCodeSchema,
  title: Type.String(),
  meetingDate: Type.String(),
  decision: Type.Union([Type.String(), Type.Null()]),
  owner: Type.Union([Type.String(), Type.Null()]),
  dueAt: Type.Union([IsoTimeSchema, Type.Null()]),
  outcome: Type.Union([Type.Enum(APPEAL_OUTCOMES), Type.Null()]),
  doneAt: Type.Union([IsoTimeSchema, Type.Null()]),
  createdBy: Type.String(),
  updatedAt: IsoTimeSchema,
});
export type Topic = Static<typeof TopicSchema>;

/** One village on the monthly board (评事). */
export const VillageScoreSchema = Type.Object({
  village: Type.String(),
  appeals: Type.Integer(),
  /** With an outcome (resolved, explained or referred). */
  done: Type.Integer(),
  resolutionRate: Type.Number(),
  /** Past their due time without an outcome at the month's end, or given one after it. */
  overdue: Type.Integer(),
  /** Appeals by an appellant who had appealed about the same category before in the month. */
  repeats: Type.Integer(),
  score: Type.Number(),
});
export type VillageScore = Static<typeof VillageScoreSchema>;

export const VillageBoardSchema = Type.Object({
  region: RegionCodeSchema,
  month: Type.String(),
  criteria: Type.Object({
    rate: Type.Number(),
    overdue: Type.Number(),
    repeats: Type.Number(),
    size: Type.Integer(),
    minAppeals: Type.Integer(),
  }),
  villages: Type.Array(VillageScoreSchema),
  red: Type.Array(Type.String()),
  black: Type.Array(Type.String()),
});
export type VillageBoard = Static<typeof VillageBoardSchema>;

/** Query of GET /api/v1/appeals and /topics: a region subtree and a month. */
export const AppealListQuerySchema = Type.Object({
  region: Type.Optional(Type.String()),
  month: Type.Optional(Type.String({ description: 'YYYY-MM (Beijing time)' })),
});
export const AppealListSchema = Type.Object({ items: Type.Array(AppealSchema) });
export const TopicListSchema = Type.Object({ items: Type.Array(TopicSchema) });
/** Path of PATCH /api/v1/appeals/:id and /topics/:id. */
export const AppealIdParamsSchema = Type.Object({ id: Type.String({ maxLength: 64 }) });
/** Answer of POST /api/v1/topics: the topic and the appeals it gathers. */
export const TopicCreatedSchema = Type.Object({ topic: TopicSchema, appeals: Type.Array(AppealSchema) });
const Weight = (what: string) => Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: what }));
/** Query of GET /api/v1/regions/:code/village-board: the month and the weights of the score. */
export const VillageBoardQuerySchema = Type.Object({
  month: Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' }),
  rate: Weight('weight of the resolution rate'),
  overdue: Weight('weight of overdue appeals'),
  repeats: Weight('weight of repeat appeals'),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  minAppeals: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
