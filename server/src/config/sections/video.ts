import { Type, type Static } from 'typebox';

/**
 * `video:` — how play URLs are brokered and which channels the wall's key-channel panel shows
 * (issue: live video on the wall). Owned by the video capability, which refines this first shape.
 */
export const VideoSectionSchema = Type.Object({}, { additionalProperties: true });
export type VideoSection = Static<typeof VideoSectionSchema>;
