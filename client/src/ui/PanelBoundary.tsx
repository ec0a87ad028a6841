import { Component, type ErrorInfo, type ReactNode } from 'react';
import { t } from '../lib/i18n';

interface State {
  error: Error | null;
}

/** One failing panel shows a quiet notice and retries; the rest of the wall carries on. */
export class PanelBoundary extends Component<{ children: ReactNode; name: string }, State> {
  override state: State = { error: null };
  private retry: ReturnType<typeof setTimeout> | null = null;

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn(`panel ${this.props.name} failed`, error, info.componentStack);
    // Data changes may well fix it: try again after a while rather than staying dark for weeks.
    this.retry = setTimeout(() => this.setState({ error: null }), 30_000);
  }

  override componentWillUnmount(): void {
    if (this.retry) clearTimeout(this.retry);
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="panel panel--failed" data-testid={`panel-failed-${this.props.name}`}>
          <div className="panel__failed">{t('panel.failed')}</div>
        </div>
      );
    }
    return this.props.children;
  }
}
