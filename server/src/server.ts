import { buildApp } from './app.js';
import { ConfigFileError } from './config/file.js';

// Listen, and close gracefully on SIGTERM/SIGINT: in-flight requests finish, the store closes.
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
  if (app.config.demoKey) {
    const key = app.config.apiKeys[0]!.key;
    const page = await app.store.listCameras({ limit: 1 });
    const example = page.items[0]?.id ?? '<camera id>';
    console.log(`\n  指挥 Zhihui is up: ${url}/wall/${app.config.region}\n  Demo write key (set API_KEYS to choose your own): ${key}\n  Try: curl -X POST ${url}/api/v1/cameras/status -H 'Authorization: Bearer ${key}' -H 'content-type: application/json' -d '{"reports":[{"cameraId":"${example}","status":"offline","reason":"power"}]}'\n`);
  }
} catch (err) {
  app.log.error(err);
  process.exit(1);
}
