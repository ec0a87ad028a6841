import { useState } from 'react';
import { fmtTime } from './format';
import type { Ranking } from './meetingApi';
import { nextSort, type MeetingState } from './meetingParams';
import { mt } from './meetingText';
import { RankingTable } from './RankingTable';
import { RegionMap } from './RegionMap';

/** The child regions on the map and in the ranking table; hovering one lights it in both. */
export function RankingSection(props: {
  code: string;
  ranking: Ranking;
  state: MeetingState;
  loading: boolean;
  childNoun: string;
  centers: ReadonlyMap<string, [number, number]>;
  open: (child: string) => void;
  go: (patch: Partial<MeetingState>) => void;
}) {
  const { code, ranking, state, loading, childNoun, centers, open, go } = props;
  const [hover, setHover] = useState<string | null>(null);
  return (
    <section className="mt-main">
      <div className="mt-panel mt-panel--map">
        <div className="mt-panel__head">
          <h2>{mt('map')}</h2>
          <span className="mt-muted">{mt('drill')}</span>
        </div>
        <RegionMap code={code} ranking={ranking} centers={centers} hover={hover} onHover={setHover} onOpen={open} />
      </div>
      <div className="mt-panel mt-panel--ranking">
        <div className="mt-panel__head">
          <h2>{mt('ranking', { noun: childNoun })}</h2>
          <span className="mt-muted">
            {loading ? mt('loading') : mt('generated', { time: fmtTime(ranking.generatedAt) })}
          </span>
        </div>
        <div className="mt-scroll-x">
          <RankingTable
            ranking={ranking}
            state={state}
            hover={hover}
            onHover={setHover}
            onOpen={open}
            onSort={(m) => go(nextSort(state, m))}
          />
        </div>
      </div>
    </section>
  );
}
