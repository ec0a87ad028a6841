import { Type } from 'typebox';
import { PageSchema } from './common.js';

/**
 * What a key may do. The first four write; `metrics` reads /metrics when METRICS=key; `admin`
 * includes every scope and also manages keys, viewer tokens and maintenance, and reads the audit log.
 */
export const SCOPES = ['status', 'inventory', 'clues', 'grid', 'metrics', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A stored credential (key or viewer token) as the admin API shows it: never its secret. */
export const CredentialSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('key'), Type.Literal('viewer')]),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  region: Type.Union([Type.String(), Type.Null()], {
    description: 'root of the region subtree it reaches; null: the whole tree',
  }),
  createdAt: Type.String(),
  createdBy: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  source: Type.Literal('admin'),
});
/** A credential from the environment (API_KEYS, ADMIN_KEY, VIEWER_TOKENS): its name only. */
export const EnvCredentialSchema = Type.Object({
  name: Type.String(),
  role: Type.String(),
  source: Type.Literal('env'),
});
/** GET /api/v1/admin/keys and /admin/viewer-tokens. */
export const CredentialListSchema = Type.Object({
  items: Type.Array(CredentialSchema),
  env: Type.Array(EnvCredentialSchema),
});
export const CredentialNameSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'who holds it; the actor of what it writes',
});
/** Path of DELETE /api/v1/admin/keys/:id and /admin/viewer-tokens/:id. */
export const CredentialParamsSchema = Type.Object({ id: Type.String({ maxLength: 64 }) });
const RegionField = Type.Optional(
  Type.String({
    pattern: '^(\\d{6}|\\d{9}|\\d{12})$',
    description:
      "root of the region subtree it reaches; default: the admin's own region (the whole tree for an unbound admin)",
  }),
);
/** One entry of the audit log. */
export const AuditEntrySchema = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()], {
    description:
      'the credential that acted: its id, env:<name> for one from the environment; null for the server itself and clue steps',
  }),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

/** Body of POST /api/v1/admin/keys. */
export const KeyCreateSchema = Type.Object(
  {
    name: CredentialNameSchema,
    scopes: Type.Array(Type.Enum(SCOPES), { minItems: 1, maxItems: SCOPES.length }),
    region: RegionField,
  },
  { additionalProperties: false },
);
/** Answer of POST /api/v1/admin/keys: the key itself, shown this once. */
export const KeyCreatedSchema = Type.Intersect([CredentialSchema, Type.Object({ key: Type.String() })]);
/** Body of POST /api/v1/admin/viewer-tokens. */
export const ViewerTokenCreateSchema = Type.Object(
  { name: CredentialNameSchema, region: RegionField },
  { additionalProperties: false },
);
/** Answer of POST /api/v1/admin/viewer-tokens: the token and the wall URL with it, shown this once. */
export const ViewerTokenCreatedSchema = Type.Intersect([
  CredentialSchema,
  Type.Object({ token: Type.String(), url: Type.String() }),
]);
/** GET /api/v1/admin/audit: query and one page. */
export const AuditQuerySchema = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  actor: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 64, description: "exact, or a prefix ending in '.', e.g. clue." })),
  target: Type.Optional(Type.String({ maxLength: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export const AuditPageSchema = PageSchema(AuditEntrySchema);
