// Probes a URL on one keep-alive connection, one request at a time with a short pause between,
// and reports every answer's status and time when told to stop. It runs in its own process so
// that whatever the test process does meanwhile (an attack it generates) cannot delay the
// measurement: what it measures is the server.
import http from 'node:http';

const [url, gapArg] = process.argv.slice(2);
const gap = Number(gapArg ?? 20);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const results = [];
let stop = false;
process.on('message', (m) => {
  if (m === 'stop') stop = true;
});

function probe() {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, error: err.message }));
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
  });
}

process.send?.('ready');
while (!stop) {
  results.push(await probe());
  await new Promise((r) => setTimeout(r, gap));
}
process.send?.({ results });
agent.destroy();
