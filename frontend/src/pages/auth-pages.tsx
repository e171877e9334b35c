/** Log in and register. Both return the traveller to `next` (where they were) afterwards. */
import { useState, type FormEvent } from 'react';
import { isApiError } from '../api/errors.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { Link, navigate, useLocation } from '../lib/router.js';

const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/');

export function LoginPage() {
  const api = useApi();
  const { t } = useI18n();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      // A 429 here is a lockout, not a crowd: say so instead of retrying.
      await api.login({ email: email.trim(), password }, { retryBusy: false });
      navigate(next, { replace: true });
    } catch (err) {
      setError(
        isApiError(err) && (err.status === 401 || err.status === 429)
          ? (err.problem.detail ?? err.problem.title)
          : describeError(err, t),
      );
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>{t('loginTitle')}</h1>
      {query.get('expired') && <Notice kind="warn">{t('sessionExpired')}</Notice>}
      {!query.get('expired') && next !== '/' && <Notice>{t('loginToContinue')}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <form onSubmit={submit} noValidate={false}>
        <label className="field">
          <span>{t('email')}</span>
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('password')}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button className="button primary block" type="submit" disabled={busy} aria-busy={busy}>
          {busy ? t('loading') : t('loginButton')}
        </button>
      </form>
      <p className="muted">
        {t('noAccount')} <Link to={`/register?next=${encodeURIComponent(next)}`}>{t('registerTitle')}</Link>
      </p>
    </section>
  );
}

export function RegisterPage() {
  const api = useApi();
  const { t } = useI18n();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [form, setForm] = useState({ name: '', email: '', phone: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const body = { name: form.name.trim(), email: form.email.trim(), phone: form.phone.trim(), password: form.password };
      await api.register(body);
      await api.login({ email: body.email, password: body.password });
      navigate(next, { replace: true });
    } catch (err) {
      if (isApiError(err) && err.problem.errors?.length) setFieldErrors(err.fieldErrors);
      setError(describeError(err, t));
      setBusy(false);
    }
  };

  const field = (name: keyof typeof form, label: string, type: string, autoComplete: string, hint?: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type={type}
        name={name}
        autoComplete={autoComplete}
        required
        minLength={name === 'password' ? 8 : undefined}
        inputMode={name === 'phone' ? 'tel' : undefined}
        value={form[name]}
        aria-invalid={fieldErrors[name] ? true : undefined}
        aria-describedby={`${name}-hint`}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
      <small id={`${name}-hint`} className={fieldErrors[name] ? 'field-error' : 'muted'}>
        {fieldErrors[name] ?? hint}
      </small>
    </label>
  );

  return (
    <section className="card narrow">
      <h1>{t('registerTitle')}</h1>
      {error && <Notice kind="error">{error}</Notice>}
      <form onSubmit={submit}>
        {field('name', t('name'), 'text', 'name')}
        {field('email', t('email'), 'email', 'email')}
        {field('phone', t('phone'), 'tel', 'tel', t('phoneHint'))}
        {field('password', t('password'), 'password', 'new-password', t('passwordHint'))}
        <button className="button primary block" type="submit" disabled={busy} aria-busy={busy}>
          {busy ? t('loading') : t('registerButton')}
        </button>
      </form>
      <p className="muted">
        {t('haveAccount')} <Link to={`/login?next=${encodeURIComponent(next)}`}>{t('loginTitle')}</Link>
      </p>
    </section>
  );
}
