/**
 * Around the routes: while a page's chunk loads, "Loading…"; if it cannot be loaded (offline, or a release
 * replaced it and the reload did not help) or the page fails, a calm sentence and a reload instead of a blank
 * screen. A new path clears the error.
 */
import { Component, Suspense, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Notice } from './notice.js';

function Failed() {
  const { t } = useI18n();
  return (
    <Notice kind="error">
      {t('genericError')}{' '}
      <button type="button" className="link" onClick={() => window.location.reload()}>
        {t('retry')}
      </button>
    </Notice>
  );
}

function Loading() {
  const { t } = useI18n();
  return <p aria-busy="true">{t('loading')}</p>;
}

interface Props {
  path: string;
  children: ReactNode;
}
interface State {
  failed: boolean;
  path: string;
}

export class PageBoundary extends Component<Props, State> {
  override state: State = { failed: false, path: this.props.path };

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.path === state.path ? null : { failed: false, path: props.path };
  }

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  override render() {
    if (this.state.failed) return <Failed />;
    return <Suspense fallback={<Loading />}>{this.props.children}</Suspense>;
  }
}
