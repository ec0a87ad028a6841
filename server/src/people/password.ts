import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane): about 50–150 ms per
 * hash here, slow enough to make guessing a stolen hash expensive, fast enough for a sign-in.
 */
// The library's default algorithm is argon2id (its Algorithm enum is type-only); tests check the `$argon2id$` prefix.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** Passwords everyone tries first (and their obvious Chinese-office variants); refused whatever their classes. */
const COMMON = [
  'password',
  'passw0rd',
  'qwerty',
  '123456',
  '12345678',
  '1234567890',
  'admin',
  'zhihui',
  'abc123',
  'iloveyou',
  'welcome',
  'letmein',
  'p@ssw0rd',
  'woaini',
  '888888',
  '666666',
  '111111',
];

/**
 * Why a password is refused (empty: accepted). The rules of 等保 2.0 level 3 as commonly applied:
 * at least 10 characters, three of four kinds (lower case, upper case, digits, other), not the
 * account name, not a well-known password, not one character repeated.
 */
export function passwordProblems(password: string, name: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN) problems.push(`at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) problems.push(`at most ${PASSWORD_MAX} characters`);
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (kinds < 3) problems.push('three of: lower case, upper case, digits, other characters');
  const lower = password.toLowerCase();
  if (name.length >= 3 && lower.includes(name.toLowerCase())) problems.push('must not contain the account name');
  // A well-known word with digits or marks tacked on ('Password123!') is as well known.
  const core = lower.replace(/[^a-z@]+$/, '');
  if (COMMON.includes(lower) || COMMON.includes(core)) problems.push('too well known');
  if (/^(.)\1*$/u.test(password)) problems.push('not one character repeated');
  return problems;
}

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

/** Constant work whatever the input: a malformed stored hash is a mismatch, not an error. */
export async function passwordMatches(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Spends the time of one verification, so an unknown name answers as slowly as a wrong password. */
export async function verifyNothing(password: string): Promise<void> {
  dummy ??= hashPassword('zhihui-timing-equaliser-7Qx!');
  await passwordMatches(await dummy, password);
}
