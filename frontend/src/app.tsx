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

function Routes() {
  const { path } = useLocation();
  const { t } = useI18n();
  let m: Record<string, string> | null;
  if (path === '/') return <SearchPage />;
  if (path === '/login') return <LoginPage />;
  if (path === '/register') return <RegisterPage />;
  if (path === '/results') return <ResultsPage />;
  if (path === '/bookings') return <BookingsPage />;
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
        <span aria-hidden="true">🚆</span> {t('appName')}
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
