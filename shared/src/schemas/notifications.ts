import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Where a notification stands: waiting (queued, or held through quiet hours), or done. */
export const DELIVERY_STATUSES = ['queued', 'held', 'sent', 'failed', 'merged'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One line of GET /api/v1/notifications/deliveries: a message for one channel and what became of it. */
export const DeliverySchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  rule: Nullable(Type.String()),
  /** The region the message is about; reads are scoped by it. */
  region: Type.String(),
  kind: Type.String({ description: 'alert, recovery, reminder, digest, test or merged' }),
  title: Type.String(),
  status: Type.Enum(DELIVERY_STATUSES, {
    description: 'queued, held (quiet hours), sent, failed or merged (went out inside a merged message)',
  }),
  attempts: Type.Integer(),
  /** The last failure, scrubbed of secrets. */
  error: Nullable(Type.String()),
  /** The merged message this one went out in. */
  mergedInto: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  sentAt: Nullable(Type.String()),
  message: Type.Object(
    {
      headline: Type.Optional(Type.String()),
      lines: Type.Optional(Type.Array(Type.String())),
      link: Type.Optional(Nullable(Type.String())),
      urgent: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: true },
  ),
});
export type Delivery = Static<typeof DeliverySchema>;

/** A roll-up alert firing now ("冶河镇 29路视频离线"), as the wall announces it. */
export const ActiveAlertSchema = Type.Object({
  key: Type.String(),
  rule: Type.String(),
  kind: Type.String(),
  region: Type.String(),
  headline: Type.String(),
  since: Type.String(),
});
export type ActiveAlert = Static<typeof ActiveAlertSchema>;

/** GET /api/v1/notifications/alerts: what the wall's voice reads. */
export const AlertsAnswerSchema = Type.Object({
  quiet: Type.Boolean(),
  quietUntil: Nullable(Type.String()),
  /** At most one announcement per this many seconds. */
  announceEverySec: Type.Integer(),
  alerts: Type.Array(ActiveAlertSchema),
});
export type AlertsAnswer = Static<typeof AlertsAnswerSchema>;
