import path from 'node:path';
import { buildApp } from './app.js';
import { settleDemoKey } from './config/demoKey.js';
import { ConfigFileError } from './config/file.js';

// Listen, and close gracefully on SIGTERM/SIGINT: in-flight requests finish, the store closes.
const demo = settleDemoKey(process.env);
const app = await buildApp().catch((err: unknown) => {
  // A bad setting is the operator's to fix: one clear line naming it, not a stack trace.
  if (err instanceof ConfigFileError || (err instanceof Error && /^[A-Z_]+: /.test(err.message))) {
    console.error(`Zhihui cannot start: ${err.message}`);
    process.exit(1);
  }
  throw err;
});
let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error(err, 'error while closing');
        process.exit(1);
      },
    );
  });
}
try {
  await app.listen({ port: app.config.port, host: app.config.host });
  const url = `http://${app.config.host === '0.0.0.0' ? 'localhost' : app.config.host}:${app.config.port}`;
  app.log.info(`Zhihui wall: ${url}/wall/${app.config.region}`);
  if (app.config.demoKey && demo) {
    const page = await app.store.listCameras({ limit: 1 });
    const example = page.items[0]?.id ?? '<camera id>';
    // The key itself is printed once, on the first start of a development server; after that the
    // file it lives in is named instead, so it does not end up in every log of every start.
    const file = demo.file ? path.relative(process.cwd(), demo.file) || demo.file : null;
    const [line, inCurl] = demo.fresh
      ? [
          `Demo write key (kept in ${file}; set API_KEYS to choose your own): ${app.config.apiKeys[0]!.key}`,
          app.config.apiKeys[0]!.key,
        ]
      : demo.source === 'env'
        ? ['Demo write key: the value of DEMO_KEY', '$DEMO_KEY']
        : [`Demo write key: in ${file} (set API_KEYS to choose your own)`, `$(cat ${file})`];
    console.log(
      `\n  指挥 Zhihui is up: ${url}/wall/${app.config.region}\n  ${line}\n  Try: curl -X POST ${url}/api/v1/cameras/status -H "Authorization: Bearer ${inCurl}" -H 'content-type: application/json' -d '{"reports":[{"cameraId":"${example}","status":"offline","reason":"power"}]}'\n  The admin API (/api/v1/admin/…) needs ADMIN_KEY; see SECURITY.md.\n`,
    );
  } else if (app.config.production && app.config.apiKeys.length === 0) {
    app.log.warn(
      'NODE_ENV=production without API_KEYS: there is no demo key; the write API accepts only keys an admin creates (ADMIN_KEY)',
    );
  }
} catch (err) {
  app.log.error(err);
  process.exit(1);
}
