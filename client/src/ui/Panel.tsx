import type { ReactNode } from 'react';
import { DataAge } from './DataAge';

export interface PanelProps {
  title: string;
  testId: string;
  /** When this panel's figures last changed (client ms). */
  changedAt?: number | null;
  /** When the figures were last known current (client ms). */
  currentAt?: number | null;
  stale?: boolean;
  /** Right side of the title bar, before the age. */
  extra?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A framed wall panel: title bar with the data's age, and a body that never scrolls. */
export function Panel(props: PanelProps) {
  return (
    <section
      className={`panel ${props.className ?? ''} ${props.stale ? 'panel--stale' : ''}`}
      data-testid={props.testId}
    >
      <span className="panel__corner panel__corner--tl" />
      <span className="panel__corner panel__corner--tr" />
      <span className="panel__corner panel__corner--bl" />
      <span className="panel__corner panel__corner--br" />
      <header className="panel__head">
        <h2 className="panel__title" title={props.title}>
          {props.title}
        </h2>
        <div className="panel__extra">
          {props.extra}
          {props.changedAt !== undefined && (
            <DataAge
              changedAt={props.changedAt ?? null}
              currentAt={props.currentAt ?? null}
              stale={props.stale ?? false}
            />
          )}
        </div>
      </header>
      <div className="panel__body">{props.children}</div>
    </section>
  );
}
