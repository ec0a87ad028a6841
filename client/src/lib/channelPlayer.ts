import { createContext, useContext } from 'react';

/**
 * A request to show live video: one channel by id, or the channels nearest a place (a clue).
 * Features that only point at video (the map, the meeting's drill-down) send one; the video
 * feature, composed by the page, plays it. So no feature imports another.
 */
export interface ChannelPick {
  channelId?: string;
  near?: { lon: number; lat: number; title?: string };
  /** What asked: the tile says so, and spotlight tiles close when the spotlight ends. */
  from: 'map' | 'down' | 'spotlight' | 'drill' | 'timeline';
}

export type PlayChannel = (pick: ChannelPick) => void;

export const ChannelPlayerContext = createContext<PlayChannel | null>(null);

/** The page's video player, or null where the page plays no video. */
export function useChannelPlayer(): PlayChannel | null {
  return useContext(ChannelPlayerContext);
}
