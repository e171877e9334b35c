/** The app shell: header (navigation, language switch), the busy banner, and the routes. */
import type { Api } from './api/endpoints.js';
import { BusyBanner } from './components/busy-banner.js';
import { I18nProvider, LanguageSwitch, useI18n } from './i18n/i18n.js';
import { ApiProvider, useApi, useSession } from './lib/app-context.js';
import { Link, match, navigate, useLocation } from './lib/router.js';
import { LoginPage, RegisterPage } from './pages/auth-pages.js';
import { BookingsPage } from './pages/bookings-page.js';
import { OtpPage } from './pages/otp-page.js';
import { PassengersPage } from './pages/passengers-page.js';
import { PaymentPage } from './pages/payment-page.js';
import { ResultsPage } from './pages/results-page.js';
import { SearchPage } from './pages/search-page.js';
import { SeatsPage } from './pages/seats-page.js';
import { TicketPage } from './pages/ticket-page.js';
import { WaitingRoomPage } from './pages/waiting-room-page.js';

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
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <Header />
      <BusyBanner />
      <main id="main" tabIndex={-1}>
        <Routes />
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
