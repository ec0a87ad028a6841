import { Type, type Static } from 'typebox';

/** GET /healthz: 200 when the store answers, 503 otherwise. */
export const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  version: Type.String(),
  store: Type.Object({ kind: Type.String(), reachable: Type.Boolean() }),
  uptimeSec: Type.Number(),
  time: Type.String(),
});
export type Health = Static<typeof HealthSchema>;
