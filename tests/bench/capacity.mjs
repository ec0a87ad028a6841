// Walls per process: the fan-out measurement (fanout.mjs: demo county, 20 changes/s, default
// configuration, clients in 4 processes) at growing socket counts until p99 ingest → receipt
// passes 100 ms. Prints the largest count that kept p99 ≤ 100 ms and every step. One run; prints JSON.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const STEPS = (process.env.BENCH_CAPACITY_STEPS ?? '500,1000,2000,3000,4000,6000,8000').split(',').map(Number);

function fanout(sockets) {
  return new Promise((resolve, reject) => {
    const per = Math.ceil(sockets / 4);
    const child = spawn(process.execPath, [path.join(here, 'fanout.mjs')], {
      env: {
        ...process.env,
        BENCH_PER: String(per),
        BENCH_PROCS: '4',
        BENCH_SECONDS: process.env.BENCH_CAPACITY_SECONDS ?? '8',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        reject(new Error(`fanout at ${sockets} gave no result`));
      }
    });
  });
}

const steps = [];
let best = 0;
for (const n of STEPS) {
  const r = await fanout(n);
  steps.push({
    sockets: r.sockets,
    p50: r.latencyP50Ms,
    p99: r.latencyP99Ms,
    delivered: r.delivered,
    expected: r.expected,
  });
  if (r.latencyP99Ms <= 100 && r.delivered === r.expected) best = r.sockets;
  else break;
}
console.log(JSON.stringify({ wallsAtP99Under100: best, steps: steps.length, stepsDetail: JSON.stringify(steps) }));
