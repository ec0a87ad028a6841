import { useState } from 'react';
import { Link } from 'react-router';
import type { Region } from '@zhihui/shared';
import { label } from '../../lib/i18n';
import type { Ranking } from './meetingApi';
import { meetingSearch, type MeetingState } from './meetingParams';
import { mt } from './meetingText';

/** The meeting's title, the way up the region tree, and the exports (CSV, PDF, print, link). */
export function MeetingHeader(props: {
  code: string;
  region: Region | null;
  path: readonly Region[];
  ranking: Ranking | null;
  state: MeetingState;
  urls: { rankingCsv: string; pdf: string; html: string };
  cluesCsv: string;
}) {
  const { code, region, path, ranking, state, urls, cluesCsv } = props;
  const [copied, setCopied] = useState(false);
  const print = () => {
    // The formal A4 report prints from a hidden frame: the same HTML the server turns into the PDF.
    const frame = document.createElement('iframe');
    frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0';
    frame.src = urls.html;
    frame.onload = () => {
      frame.contentWindow?.print();
      setTimeout(() => frame.remove(), 60_000);
    };
    document.body.appendChild(frame);
  };
  const copy = () => {
    void navigator.clipboard?.writeText(window.location.href).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    });
  };
  return (
    <header className="mt-head">
      <div className="mt-head__left">
        <nav className="mt-crumbs" data-testid="breadcrumbs">
          {path.map((p) => (
            <span key={p.code}>
              <Link to={`/meeting/${p.code}${meetingSearch({ ...state, clue: null })}`}>{p.name}</Link>
              <span className="mt-crumbs__sep">›</span>
            </span>
          ))}
          <span className="mt-crumbs__here">{region ? `${region.name} · ${label('level', region.level)}` : code}</span>
        </nav>
        <h1 className="mt-title">
          {region?.name ?? ranking?.region.name ?? code}
          <span className="mt-title__suffix">{mt('title')}</span>
        </h1>
        <div className="mt-subtitle">{mt('subtitle')}</div>
      </div>
      <div className="mt-head__right">
        <div className="mt-actions">
          <Link className="mt-btn mt-btn--ghost" to={`/wall/${code}`}>
            {mt('wall')}
          </Link>
          <button type="button" className="mt-btn mt-btn--ghost" onClick={copy} data-testid="copy-link">
            {copied ? mt('copied') : mt('copyLink')}
          </button>
          <a className="mt-btn" href={urls.rankingCsv} download data-testid="export-ranking-csv">
            {mt('rankingCsv')}
          </a>
          <a className="mt-btn" href={cluesCsv} download data-testid="export-clues-csv">
            {mt('cluesCsv')}
          </a>
          <a className="mt-btn" href={urls.pdf} download data-testid="export-pdf">
            {mt('pdf')}
          </a>
          <button type="button" className="mt-btn mt-btn--primary" onClick={print} data-testid="print-report">
            {mt('print')}
          </button>
        </div>
      </div>
    </header>
  );
}
