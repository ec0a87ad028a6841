import { useState, type FormEvent } from 'react';
import { getLocale, setLocale } from '../../lib/i18n';
import { DeskError, deskApi } from '../../lib/personApi';
import './login.css';

const TEXT = {
  'zh-CN': {
    title: '社会治理综合指挥平台',
    sub: '值班人员登录',
    name: '账号',
    password: '密码',
    submit: '登 录',
    busy: '正在登录…',
    wrong: '账号或密码错误',
    locked: '连续登录失败次数过多,账号已锁定至 {t}',
    throttled: '失败次数过多,请稍后再试',
    other: '登录失败:{m}',
    notice: '本系统为政务内网系统,操作全程留痕审计。请妥善保管账号密码,离开座席时请退出登录。',
    lang: 'English',
  },
  en: {
    title: 'Social Governance Command Platform',
    sub: 'Duty staff sign-in',
    name: 'Account',
    password: 'Password',
    submit: 'Sign in',
    busy: 'Signing in…',
    wrong: 'The account or the password is wrong',
    locked: 'Too many failed sign-ins: the account is locked until {t}',
    throttled: 'Too many failures; try again later',
    other: 'Sign-in failed: {m}',
    notice:
      'A government intranet system: every action is audited. Keep your password to yourself and sign out when you leave your seat.',
    lang: '中文',
  },
} as const;

const timeOf = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' });

/** Where to go after signing in: `?next=` when it is one of our own pages, else the person's desk. */
function nextPath(region: string | null): string {
  const next = new URLSearchParams(location.search).get('next');
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  return `/desk/${region ?? ''}`;
}

/** What the form says about a failed sign-in; null when the fields alone say it. */
function signInError(err: unknown, tx: Record<'wrong' | 'locked' | 'throttled' | 'other', string>): string | null {
  if (!(err instanceof DeskError)) return tx.other.replace('{m}', String(err));
  if (err.status === 401) return tx.wrong;
  if (err.status === 423)
    return tx.locked.replace('{t}', timeOf(/until (\S+)/.exec(err.message)?.[1] ?? new Date().toISOString()));
  if (err.status === 429) return tx.throttled;
  if (Object.keys(err.fields).length === 0) return tx.other.replace('{m}', err.message);
  return null;
}

/** A labelled input with its error beside it. */
function LoginField(props: {
  name: string;
  label: string;
  type?: string;
  autoComplete: string;
  autoFocus?: boolean;
  value: string;
  onChange: (v: string) => void;
  error: string | undefined;
}) {
  return (
    <label className="login__field">
      <span>{props.label}</span>
      <input
        name={props.name}
        type={props.type}
        autoComplete={props.autoComplete}
        autoFocus={props.autoFocus}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
      />
      {props.error && (
        <em className="field-error" data-field={props.name}>
          {props.error}
        </em>
      )}
    </label>
  );
}

/** /login: name and password; errors next to the field they concern. */
export default function LoginPage() {
  const [lang, setLang] = useState(getLocale());
  const tx = TEXT[lang === 'en' ? 'en' : 'zh-CN'];
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const s = await deskApi.signIn(name, password);
      location.assign(nextPath(s.user.region));
    } catch (err) {
      if (err instanceof DeskError) setFields(err.fields);
      setError(signInError(err, tx));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  const toggle = () => {
    const next = lang === 'en' ? 'zh-CN' : 'en';
    setLocale(next);
    setLang(next);
  };

  return (
    <div className="login" data-testid="login">
      <div className="login__emblem" aria-hidden="true">
        <span>指</span>
      </div>
      <form className="login__card" onSubmit={submit} noValidate>
        <h1 className="login__title">{tx.title}</h1>
        <p className="login__sub">{tx.sub}</p>
        <LoginField
          name="name"
          label={tx.name}
          autoComplete="username"
          autoFocus
          value={name}
          onChange={setName}
          error={fields.name}
        />
        <LoginField
          name="password"
          label={tx.password}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={fields.password}
        />
        {error && (
          <p className="login__error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button className="login__submit" type="submit" disabled={busy}>
          {busy ? tx.busy : tx.submit}
        </button>
        <p className="login__notice">{tx.notice}</p>
        <button type="button" className="login__lang" onClick={toggle}>
          {tx.lang}
        </button>
      </form>
      <footer className="login__footer">指挥 Zhihui · 河北省社会治理综合指挥平台</footer>
    </div>
  );
}
