/** The app shell: header (navigation, language switch), the busy banner, and the routes. */
import { lazy } from 'react';
import type { Api } from './api/endpoints.js';
import { BusyBanner } from './components/busy-banner.js';
import { PageBoundary } from './components/page-boundary.js';
import { I18nProvider, LanguageSwitch, useI18n } from './i18n/i18n.js';
import { ApiProvider, useApi, useSession } from './lib/app-context.js';
import { Link, match, navigate, useLocation } from './lib/router.js';
import { SearchPage } from './pages/search-page.js';

// The search page is the first page and comes with the shell; every other page is its own chunk, fetched when
// first shown (test/bundle-budget.test.ts holds the first page to 120 kB of gzipped JavaScript).
const LoginPage = lazy(() => import('./pages/auth-pages.js').then((m) => ({ default: m.LoginPage })));
const RegisterPage = lazy(() => import('./pages/auth-pages.js').then((m) => ({ default: m.RegisterPage })));
const BookingsPage = lazy(() => import('./pages/bookings-page.js').then((m) => ({ default: m.BookingsPage })));
const OtpPage = lazy(() => import('./pages/otp-page.js').then((m) => ({ default: m.OtpPage })));
const PassengersPage = lazy(() => import('./pages/passengers-page.js').then((m) => ({ default: m.PassengersPage })));
const PaymentPage = lazy(() => import('./pages/payment-page.js').then((m) => ({ default: m.PaymentPage })));
const ResultsPage = lazy(() => import('./pages/results-page.js').then((m) => ({ default: m.ResultsPage })));
const SeatsPage = lazy(() => import('./pages/seats-page.js').then((m) => ({ default: m.SeatsPage })));
const TicketPage = lazy(() => import('./pages/ticket-page.js').then((m) => ({ default: m.TicketPage })));
const WaitingRoomPage = lazy(() => import('./pages/waiting-room-page.js').then((m) => ({ default: m.WaitingRoomPage })));

function Routes() {
  const { path } = useLocation();
  const { t } = useI18n();
  let m: Record<string, string> | null;
  if (path === '/') return <SearchPage />;
  if (path === '/login') return <LoginPage />;
  if (path === '/register') return <RegisterPage />;
  if (path === '/results') return <ResultsPage />;
  if (path === '/bookings') return <BookingsPage />;
  if ((m = match('/queue/:date', path))) return <WaitingRoomPage key={m.date} date={m.date ?? ''} />;
  if ((m = match('/trips/:tripId/seats', path))) return <SeatsPage key={m.tripId} tripId={Number(m.tripId)} />;
  if ((m = match('/bookings/:id/passengers', path))) return <PassengersPage id={m.id ?? ''} />;
  if ((m = match('/bookings/:id/otp', path))) return <OtpPage id={m.id ?? ''} />;
  if ((m = match('/bookings/:id/pay', path))) return <PaymentPage id={m.id ?? ''} />;
  if ((m = match('/bookings/:id', path))) return <TicketPage key={m.id} id={m.id ?? ''} />;
  return <p>{t('notFound')}</p>;
}

function Header() {
  const { t } = useI18n();
  const api = useApi();
  const session = useSession();
  const { path } = useLocation();
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        <svg className="brand-mark" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 2c-4 0-8 .5-8 4v9.5A3.5 3.5 0 0 0 7.5 19L6 20.5v.5h2.2l2-2h3.6l2 2H18v-.5L16.5 19a3.5 3.5 0 0 0 3.5-3.5V6c0-3.5-4-4-8-4Zm-4.5 15a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Zm3.5-7H6V6h5v4Zm2 0V6h5v4h-5Zm3.5 7a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Z"
          />
        </svg>
        {t('appName')}
      </Link>
      <nav aria-label="Main">
        <Link to="/" aria-current={path === '/' ? 'page' : undefined}>
          {t('navSearch')}
        </Link>
        {session && (
          <Link to="/bookings" aria-current={path === '/bookings' ? 'page' : undefined}>
            {t('navBookings')}
          </Link>
        )}
        {session ? (
          <button
            type="button"
            className="link"
            onClick={() => {
              void api.logout();
              navigate('/');
            }}
          >
            {t('navLogout')}
          </button>
        ) : (
          <Link to={`/login?next=${encodeURIComponent(path === '/login' ? '/' : path)}`}>{t('navLogin')}</Link>
        )}
        <LanguageSwitch />
      </nav>
    </header>
  );
}

function Shell() {
  const { t } = useI18n();
  const { path } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <Header />
      <BusyBanner />
      <main id="main" tabIndex={-1}>
        <PageBoundary path={path}>
          <Routes />
        </PageBoundary>
      </main>
    </>
  );
}

export function App({ api }: { api: Api }) {
  return (
    <ApiProvider api={api}>
      <I18nProvider>
        <Shell />
      </I18nProvider>
    </ApiProvider>
  );
}
