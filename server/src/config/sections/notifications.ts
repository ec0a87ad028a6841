import { Type, type Static } from 'typebox';

/**
 * `notifications:` — channels (WeCom, DingTalk, webhook, email) and rules (issue: alerts that
 * reach people). Owned by the notifications capability, which refines this first shape.
 */
export const NotificationsSectionSchema = Type.Object(
  {
    channels: Type.Optional(Type.Array(Type.Object({ id: Type.String(), kind: Type.String() }, { additionalProperties: true }))),
    rules: Type.Optional(Type.Array(Type.Object({ kind: Type.String() }, { additionalProperties: true }))),
  },
  { additionalProperties: true },
);
export type NotificationsSection = Static<typeof NotificationsSectionSchema>;
