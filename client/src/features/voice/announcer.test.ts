import { describe, expect, test } from 'vitest';
import { Announcer, spokenLine, type Announcement } from './announcer';

function setup(minIntervalMs = 30_000) {
  let now = 1_000_000;
  const played: string[] = [];
  const a = new Announcer({ minIntervalMs, now: () => now, play: (x, more) => played.push(spokenLine(x, more)) });
  return { a, played, advance: (ms: number) => (now += ms) };
}
const rollup = (key: string, text: string): Announcement => ({ key, kind: 'rollup', text });
const urgent = (key: string, text: string): Announcement => ({ key, kind: 'urgent', text });

describe('the wall voice pacing', () => {
  test('at most one announcement per interval; what came meanwhile is folded, urgent first', () => {
    const { a, played, advance } = setup();
    a.push(rollup('r1', '冶河镇 29路视频离线'));
    a.push(rollup('r2', '南高乡 12路视频离线'));
    a.push(urgent('c1', '紧急线索:冶河镇,河道旁有人焚烧垃圾'));
    expect(played).toEqual(['冶河镇 29路视频离线']);
    advance(29_999);
    a.tick();
    expect(played).toHaveLength(1);
    advance(1);
    a.tick();
    expect(played).toEqual(['冶河镇 29路视频离线', '紧急线索:冶河镇,河道旁有人焚烧垃圾。另有 1 条告警']);
  });

  test('each key once; known keys (already on the wall) are never said', () => {
    const { a, played, advance } = setup(0);
    a.know(['old']);
    a.push(rollup('old', '旧告警'));
    a.push(rollup('n', '新告警'));
    advance(1);
    a.push(rollup('n', '新告警'));
    expect(played).toEqual(['新告警']);
  });

  test('muted in quiet hours: nothing is said then, nor afterwards', () => {
    const { a, played, advance } = setup(0);
    a.setQuiet(true);
    a.push(urgent('c', '紧急线索:冶河镇,夜间线索'));
    a.setQuiet(false);
    advance(1);
    a.tick();
    expect(played).toEqual([]);
    a.push(urgent('d', '紧急线索:冶河镇,白天线索'));
    expect(played).toEqual(['紧急线索:冶河镇,白天线索']);
  });
});
