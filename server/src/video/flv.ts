/**
 * Just enough of FLV (Adobe FLV spec v10.1, annex E) to loop a recorded clip as a live stream:
 * split a file into tags, and write a tag with a new timestamp.
 */

/** One FLV tag: 8 audio, 9 video, 18 script data. */
export interface FlvTag {
  type: number;
  /** Milliseconds. */
  ts: number;
  data: Buffer;
}

export interface FlvClip {
  /** The 9-byte file header with PreviousTagSize0 after it. */
  header: Buffer;
  /** Decoder configuration (AVC sequence header, AAC specific config): sent once, before any frame. */
  config: FlvTag[];
  /** Frames in file order, timestamps from 0. */
  frames: FlvTag[];
  /** Length of one pass, ms: the last frame's time plus one frame interval. */
  durationMs: number;
}

const HEADER_SIZE = 9;
const TAG_HEADER = 11;

/** True for an AVC/HEVC sequence header or an AAC config: decoder setup, not a frame. */
function isConfig(tag: FlvTag): boolean {
  if (tag.type === 9) return tag.data.length > 1 && (tag.data[0]! & 0x0f) >= 7 && tag.data[1] === 0;
  if (tag.type === 8) return tag.data.length > 1 && tag.data[0]! >> 4 === 10 && tag.data[1] === 0;
  return false;
}

/** True for a video keyframe (frame type 1). */
export function isKeyframe(tag: FlvTag): boolean {
  return tag.type === 9 && tag.data.length > 0 && tag.data[0]! >> 4 === 1 && !isConfig(tag);
}

/** Parses a whole FLV file. Script tags (onMetaData with a duration) are dropped: the loop is live. */
export function parseFlv(buf: Buffer): FlvClip {
  if (buf.length < HEADER_SIZE + 4 || buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('not an FLV file');
  const dataOffset = buf.readUInt32BE(5);
  const header = Buffer.concat([buf.subarray(0, HEADER_SIZE), Buffer.alloc(4)]);
  header.writeUInt32BE(HEADER_SIZE, 5);
  const config: FlvTag[] = [];
  const frames: FlvTag[] = [];
  let p = dataOffset + 4;
  while (p + TAG_HEADER <= buf.length) {
    const type = buf[p]! & 0x1f;
    const size = buf.readUIntBE(p + 1, 3);
    const ts = (buf.readUIntBE(p + 4, 3) | (buf[p + 7]! << 24)) >>> 0;
    const end = p + TAG_HEADER + size;
    if (end + 4 > buf.length) break; // a truncated last tag
    const tag = { type, ts, data: buf.subarray(p + TAG_HEADER, end) };
    p = end + 4;
    if (isConfig(tag)) config.push(tag);
    // An AVC end-of-sequence marker (ffmpeg writes one last) would reset the decoder mid-loop.
    else if (type === 9 && (tag.data[0]! & 0x0f) >= 7 && tag.data[1] === 2) continue;
    else if (type === 8 || type === 9) frames.push(tag);
  }
  const video = frames.filter((f) => f.type === 9);
  if (video.length < 2 || !isKeyframe(video[0]!)) throw new Error('the FLV clip needs video starting with a keyframe');
  const first = frames[0]!.ts;
  for (const f of frames) f.ts -= first;
  const last = video[video.length - 1]!.ts;
  const interval = Math.max(1, Math.round(last / (video.length - 1)));
  return { header, config, frames, durationMs: last + interval };
}

/** Serialises one tag with PreviousTagSize after it. */
export function writeTag(type: number, ts: number, data: Buffer): Buffer {
  const out = Buffer.alloc(TAG_HEADER + data.length + 4);
  out[0] = type;
  out.writeUIntBE(data.length, 1, 3);
  out.writeUIntBE(ts & 0xffffff, 4, 3);
  out[7] = (ts >>> 24) & 0xff;
  data.copy(out, TAG_HEADER);
  out.writeUInt32BE(TAG_HEADER + data.length, TAG_HEADER + data.length);
  return out;
}
