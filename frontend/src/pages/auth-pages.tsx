/**
 * Log in and register. Both return the traveller to `next` (where they were) afterwards. A refusal is worded
 * from its code (a lockout says how many minutes), and the fields the server named are marked.
 */
import { useRef, useState, type FormEvent } from 'react';
import { FieldError, focusFirstInvalid, invalid, type FieldErrors } from '../components/field-error.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError, fieldMessages } from '../lib/errors.js';
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
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      // A 429 here is a lockout (it says for how long), not a crowd: say so instead of retrying.
      await api.login({ email: email.trim(), password }, { retryBusy: false });
      navigate(next, { replace: true });
    } catch (err) {
      setError(describeError(err, t));
      setFieldErrors(fieldMessages(err, t));
      focusFirstInvalid(form.current);
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>{t('loginTitle')}</h1>
      {query.get('expired') && <Notice kind="warn">{t('sessionExpired')}</Notice>}
      {!query.get('expired') && next !== '/' && <Notice>{t('loginToContinue')}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <form ref={form} onSubmit={submit} noValidate={false}>
        <label className="field">
          <span>{t('email')}</span>
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            {...invalid(fieldErrors, 'email')}
            onChange={(e) => setEmail(e.target.value)}
          />
          <FieldError errors={fieldErrors} name="email" />
        </label>
        <label className="field">
          <span>{t('password')}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            {...invalid(fieldErrors, 'password')}
            onChange={(e) => setPassword(e.target.value)}
          />
          <FieldError errors={fieldErrors} name="password" />
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
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const formRef = useRef<HTMLFormElement>(null);

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
      setFieldErrors(fieldMessages(err, t));
      setError(describeError(err, t));
      focusFirstInvalid(formRef.current);
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
        {...invalid(fieldErrors, name, hint ? `${name}-hint` : undefined)}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
      <FieldError errors={fieldErrors} name={name} />
      {hint && (
        <small id={`${name}-hint`} className="muted">
          {hint}
        </small>
      )}
    </label>
  );

  return (
    <section className="card narrow">
      <h1>{t('registerTitle')}</h1>
      {error && <Notice kind="error">{error}</Notice>}
      <form ref={formRef} onSubmit={submit}>
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
