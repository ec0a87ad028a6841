import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { settleDemoKey } from './config/demoKey.js';

// `npm start` entry. One process by default; with DATABASE_URL (PostgreSQL) and REDIS_URL set it
// runs PROCESSES server processes side by side (default 2) on PORT, PORT+1, … sharing the
// database and Redis, and restarts a process that dies.
const env = process.env;
const scaleOut = Boolean(env.REDIS_URL) && Boolean(env.DATABASE_URL?.startsWith('postgres'));
const count = scaleOut ? Math.max(1, Number(env.PROCESSES ?? 2) || 2) : 1;

if (count === 1) {
  await import('./server.js');
} else {
  const serverPath = fileURLToPath(new URL('./server.js', import.meta.url));
  const basePort = Number(env.PORT ?? 8080);
  // Every process must accept the same keys; without API_KEYS (in development) they share one demo key.
  const demo = settleDemoKey(env);
  const demoKey = demo ? env.DEMO_KEY : undefined;
  if (demo?.fresh)
    console.log(`\n  Demo write key (kept in ${demo.file}; set API_KEYS to choose your own): ${demoKey}\n`);
  const children = new Map<number, ChildProcess>();
  let stopping = false;
  const spawn = (i: number) => {
    const child = fork(serverPath, [], {
      env: { ...env, PORT: String(basePort + i), ...(demoKey ? { DEMO_KEY: demoKey } : {}) },
      stdio: 'inherit',
    });
    children.set(i, child);
    child.on('exit', (code, signal) => {
      children.delete(i);
      if (stopping) return;
      console.error(`server process ${i} (port ${basePort + i}) exited (${signal ?? code}); restarting in 1 s`);
      setTimeout(() => spawn(i), 1000).unref();
    });
  };
  for (let i = 0; i < count; i++) spawn(i);
  console.log(
    `Zhihui scale-out: ${count} processes on ports ${basePort}–${basePort + count - 1} sharing PostgreSQL and Redis`,
  );
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping = true;
      for (const c of children.values()) c.kill('SIGTERM');
      const t = setInterval(() => {
        if (children.size === 0) process.exit(0);
      }, 100);
      setTimeout(() => process.exit(1), 12_000).unref();
      t.unref();
    });
  }
}
