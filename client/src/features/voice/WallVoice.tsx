import { useEffect, useRef, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';
import type { AlertsAnswer, Clue, RegionSnapshot } from '@zhihui/shared';
import { t } from '../../lib/i18n';
import type { WallState } from '../../lib/section';
import { Announcer, spokenLine, type Announcement } from './announcer';
import { audio, chime, soundAllowed, speak, unlockSound } from './sound';

const POLL_MS = 15_000;

/** Where on this wall a clue is: the township (the child on a county wall, the wall itself below). */
function placeOf(s: Pick<RegionSnapshot, 'region' | 'children'>, c: Clue): string {
  if (s.region.level === 'township' || s.region.level === 'village') return s.region.name;
  return s.children.find((x) => c.region.startsWith(x.code))?.name ?? s.region.name;
}

type VoiceLog = { chimes: number; spoken: number; last: string; quiet: boolean };

/**
 * New roll-up alerts from the notifications API, polled: the first answer is known already (not
 * announced), later ones are pushed to the announcer; quiet hours and the interval follow the API.
 */
function useAlertPolling(
  region: string,
  announceSec: number | null,
  announcer: RefObject<Announcer | null>,
  setLog: Dispatch<SetStateAction<VoiceLog>>,
): void {
  useEffect(() => {
    const ctl = new AbortController();
    let first = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const res = await fetch(`/api/v1/notifications/alerts?region=${encodeURIComponent(region)}`, {
          signal: ctl.signal,
        });
        if (res.ok) {
          const body = (await res.json()) as AlertsAnswer;
          const an = announcer.current!;
          an.setMinInterval((announceSec ?? body.announceEverySec) * 1000);
          an.setQuiet(body.quiet);
          setLog((l) => (l.quiet === body.quiet ? l : { ...l, quiet: body.quiet }));
          const keys = body.alerts.map((x) => `${x.key}@${x.since}`);
          if (first) an.know(keys);
          else body.alerts.forEach((x, i) => an.push({ key: keys[i]!, kind: 'rollup', text: x.headline }));
          first = false;
        }
      } catch {
        /* the wall shows its link state; the voice just waits for the next poll */
      }
      if (!ctl.signal.aborted) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [region, announceSec, announcer, setLog]);
}

/**
 * The wall speaks (URL option sound=on): urgent clues arriving on the stream and new roll-up
 * alerts from the notifications API play a chime and a zh-CN voice line (the chime alone where
 * the machine has no Chinese voice), at most one per interval, never in quiet hours. Where the
 * browser blocks autoplay a one-time "点击开启声音" button unlocks it.
 */
export function WallVoice(props: { region: string; state: WallState; announceSec: number | null }) {
  const [blocked, setBlocked] = useState(false);
  const [log, setLog] = useState<VoiceLog>({ chimes: 0, spoken: 0, last: '', quiet: false });
  const [mountedAt] = useState(() => Date.now());
  const announcer = useRef<Announcer | null>(null);
  if (announcer.current == null) {
    announcer.current = new Announcer({
      minIntervalMs: (props.announceSec ?? 30) * 1000,
      now: Date.now,
      play: (a: Announcement, more: number) => {
        const line = spokenLine(a, more);
        chime();
        const said = speak(line);
        setLog((l) => ({ ...l, chimes: l.chimes + 1, spoken: l.spoken + (said ? 1 : 0), last: line }));
      },
    });
  }

  useEffect(() => {
    const a = audio();
    if (a && a.state !== 'running') void a.resume().catch(() => {});
    const check = setTimeout(() => setBlocked(!soundAllowed()), 300);
    const tick = setInterval(() => announcer.current?.tick(), 1000);
    return () => {
      clearTimeout(check);
      clearInterval(tick);
    };
  }, []);

  useAlertPolling(props.region, props.announceSec, announcer, setLog);

  const snapshot = props.state.snapshot;
  useEffect(() => {
    if (!snapshot) return;
    for (const arr of props.state.arrivals) {
      if (!arr.clue.urgent || arr.at < mountedAt) continue;
      announcer.current!.push({
        key: `clue:${arr.clue.id}`,
        kind: 'urgent',
        text: `紧急线索:${placeOf(snapshot, arr.clue)},${arr.clue.title}`,
      });
    }
  }, [props.state.arrivals, snapshot, mountedAt]);

  return (
    <div
      className="wall-voice"
      data-testid="wall-voice"
      data-chimes={log.chimes}
      data-spoken={log.spoken}
      data-last={log.last}
      data-quiet={log.quiet}
      data-blocked={blocked}
    >
      {blocked && (
        <button
          type="button"
          className="wall-voice__unlock"
          data-testid="sound-unlock"
          onClick={() => {
            void unlockSound().then((ok) => setBlocked(!ok));
          }}
        >
          {t('voice.enable')}
        </button>
      )}
    </div>
  );
}
