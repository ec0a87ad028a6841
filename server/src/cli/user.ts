#!/usr/bin/env node
/**
 * People's accounts from the command line, on the store the server uses (DATABASE_URL, or SQLite
 * in DATA_DIR). The first admin is made here: there is no default password anywhere.
 *
 *   npm run user -- add NAME --role admin|leader|operator [--region CODE]
 *   npm run user -- passwd NAME | unlock NAME | disable NAME | list
 *
 * The password is asked for twice (not echoed), or read from ZHIHUI_PASSWORD for scripts.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildRegionTree } from '@zhihui/shared';
import { loadConfig } from '../config/env.js';
import { HttpError } from '../domain/errors.js';
import { PeopleService, PERSON_ROLES } from '../people/service.js';
import { seedStore } from '../store/seed.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import type { PersonRole, Store } from '../store/types.js';

const USAGE = `usage: npm run user -- add NAME --role ${PERSON_ROLES.join('|')} [--region CODE]
       npm run user -- passwd NAME | unlock NAME | disable NAME | list
The password is prompted for, or read from ZHIHUI_PASSWORD.`;

/** Everything piped into stdin, as lines. */
async function pipedLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

/** Reads a line from the terminal without echoing it. */
async function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let buf = '';
    const raw = stdin.isTTY === true;
    if (raw) stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const done = (err: Error | null) => {
      stdin.off('data', onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function newPassword(): Promise<string> {
  const fromEnv = process.env.ZHIHUI_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY !== true) {
    const line = (await pipedLines())[0] ?? '';
    if (line === '') throw new Error('no password: set ZHIHUI_PASSWORD, pipe it in, or run in a terminal');
    return line;
  }
  const a = await askHidden('password: ');
  const b = await askHidden('again: ');
  if (a !== b) throw new Error('the two passwords differ');
  return a;
}

async function openStore(): Promise<Store> {
  const config = loadConfig(process.env);
  let store: Store;
  if (config.databaseUrl)
    store = await (await import('../store/postgres/index.js')).createPostgresStore(config.databaseUrl);
  else {
    await mkdir(config.dataDir, { recursive: true });
    store = createSqliteStore(path.join(config.dataDir, 'zhihui.db'));
  }
  await store.migrate();
  // As the server would on its first start: the regions an account names must exist.
  if (config.seed && (await store.isEmpty()))
    await seedStore(store, { fixturesDir: config.fixturesDir, anchor: config.seedAnchor });
  return store;
}

function flag(args: string[], name: string): string | null {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : null;
}

async function run(args: string[]): Promise<number> {
  const [cmd, name] = args;
  if (!cmd || (cmd !== 'list' && !name)) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const store = await openStore();
  try {
    const tree = buildRegionTree(await store.listRegions());
    const service = new PeopleService(store, loadConfig(process.env).people, () => tree);
    const by = { name: 'cli', ref: `cli:${process.env.USER ?? 'unknown'}` };
    if (cmd === 'list') {
      for (const u of await store.listUsers()) {
        const state = u.disabledAt
          ? 'disabled'
          : u.lockedUntil && Date.parse(u.lockedUntil) > Date.now()
            ? `locked until ${u.lockedUntil}`
            : 'active';
        process.stdout.write(`${u.name}\t${u.role}\t${u.region ?? '(whole tree)'}\t${state}\n`);
      }
      return 0;
    }
    if (cmd === 'add') {
      const role = flag(args, '--role') as PersonRole | null;
      const region = flag(args, '--region');
      if (!role) throw new Error(`--role is required (${PERSON_ROLES.join(', ')})`);
      // Name, role and region first: nobody should type a password twice to learn the region is wrong.
      await service.check({ name: name!, role, region });
      const u = await service.add({ name: name!, role, region, password: await newPassword() }, by);
      process.stdout.write(`created ${u.role} '${u.name}' for ${u.region ?? 'the whole tree'} (id ${u.id})\n`);
      return 0;
    }
    const user = await store.getUserByName(name!);
    if (!user) throw new Error(`no account is called '${name}'`);
    if (cmd === 'passwd') await service.changePassword(user, null, await newPassword(), by);
    else if (cmd === 'unlock') await service.unlock(user, by);
    else if (cmd === 'disable') await service.disable(user, by);
    else {
      process.stderr.write(USAGE + '\n');
      return 2;
    }
    process.stdout.write(`${cmd}: done for '${user.name}'\n`);
    return 0;
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof HttpError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
