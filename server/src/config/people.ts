/** How people sign in: lockout and session lifetimes (environment, with 等保-minded defaults). */
export interface PeopleConfig {
  /** LOGIN_MAX_FAILURES: failed sign-ins in a row that lock an account (default 5). */
  maxFailures: number;
  /** LOGIN_LOCK_MINUTES: how long a locked account stays locked (default 15). */
  lockMs: number;
  /** SESSION_IDLE_MINUTES: a session unused this long ends (default 30). */
  idleMs: number;
  /** SESSION_MAX_HOURS: a session ends this long after sign-in however active (default 12, one shift). */
  maxMs: number;
}

function positive(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: "${v}" is not a positive number`);
  return n;
}

export function peopleConfig(env: NodeJS.ProcessEnv): PeopleConfig {
  return {
    maxFailures: Math.round(positive(env.LOGIN_MAX_FAILURES, 'LOGIN_MAX_FAILURES', 5)),
    lockMs: positive(env.LOGIN_LOCK_MINUTES, 'LOGIN_LOCK_MINUTES', 15) * 60_000,
    idleMs: positive(env.SESSION_IDLE_MINUTES, 'SESSION_IDLE_MINUTES', 30) * 60_000,
    maxMs: positive(env.SESSION_MAX_HOURS, 'SESSION_MAX_HOURS', 12) * 3_600_000,
  };
}
