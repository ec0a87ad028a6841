// `npm run bench` (after `npm run build`): runs each benchmark BENCH_RUNS times (default 3) in
// its own process, prints medians with their targets, and writes bench/results/<name>.json.
// Loopback only; the machine is shared, so medians and same-run ratios are what to read.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, table, writeResult } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const only = process.argv.slice(2);

/** Targets: [metric, unit, target text, check]. */
const BENCHES = {
  ingest: [
    ['persistedChangesPerSec', 'reports/s', '>= 100,000', (v) => v >= 100_000],
    ['inMemoryChangesPerSec', 'reports/s', '(same path, SQLite in memory)', null],
    ['ratioPersistedToMemory', 'ratio', '>= 0.85', (v) => v >= 0.85],
    ['persistedMixedPerSec', 'reports/s', '(10% changes)', null],
    ['inMemoryMixedPerSec', 'reports/s', '(10% changes)', null],
    ['engineAloneChangesPerSec', 'reports/s', '(live engine only)', null],
    ['storeAloneChangesPerSec', 'reports/s', '(persisted store.applyStatus only)', null],
    ['storeAloneGrownPerSec', 'reports/s', '(the same, 200,000 history events later)', null],
    ['storeAloneYearOfHistoryPerSec', 'reports/s', '(the same on a year of history: a change a day per channel)', null],
    ['storeAloneProvinceStormPerSec', 'reports/s', '(the same on a province: 100,000 channels, scattered order)', null],
    ['yearOfHistoryEvents', 'events', '(that history)', null],
    ['yearOfHistoryMedianBatchMs', 'ms', '(a batch of 5,000 changes on it)', null],
    ['yearOfHistoryLongestBatchMs', 'ms', '(the same with a merge of 50,000 recent events)', null],
  ],
  fanout: [
    ['sockets', '', '', null],
    ['latencyP50Ms', 'ms', '', null],
    ['latencyP95Ms', 'ms', '', null],
    ['latencyP99Ms', 'ms', '<= 100', (v) => v <= 100],
    ['warmUpP99Ms', 'ms', '(the first 2 s after the walls subscribe: JIT still compiling)', null],
    ['camBytesPerChange', 'bytes', '<= 16', (v) => v <= 16],
    ['naiveBytesPerChange', 'bytes', '', null],
    ['reductionFactor', 'x', '>= 8', (v) => v >= 8],
    ['steadyDeltaBytesPerChange', 'bytes', '(whole delta incl. figures)', null],
    ['delivered', 'receipts', '', null],
    ['expected', 'receipts', '', null],
  ],
  fanout5000: [
    ['sockets', '', '(4 client processes)', null],
    ['latencyP50Ms', 'ms', '', null],
    ['latencyP95Ms', 'ms', '', null],
    ['latencyP99Ms', 'ms', '(default configuration)', null],
    ['delivered', 'receipts', '', null],
    ['expected', 'receipts', '', null],
  ],
  capacity: [
    ['wallsAtP99Under100', 'sockets', '(one process, default configuration; largest step with p99 <= 100 ms)', null],
  ],
  wall: [
    ['firstLoadFcpMs', 'ms', '(demo county, fresh profile)', null],
    ['firstLoadLiveMs', 'ms', '<= 2,000 to the rate shown', (v) => v <= 2000],
    ['firstLoadKB', 'KB', '(HTTP bytes on the wire)', null],
    ['repeatLoadLiveMs', 'ms', '', null],
    ['repeatLoadKB', 'KB', '(cache warm)', null],
    ['frameP50Ms', 'ms', '(township, 10,000 channels, 1,000 changes/s)', null],
    ['frameP95Ms', 'ms', '<= 33', (v) => v <= 33],
    ['fps', 'frames/s', '', null],
    ['longTasks', 'tasks', '(> 50 ms, over the run)', null],
    ['longTaskSec', 's', '', null],
    ['ingestToPaintedP50Ms', 'ms', '(figures and map points both shown)', null],
    ['ingestToPaintedP99Ms', 'ms', '<= 250', (v) => v <= 250],
    ['figuresPaintedP99Ms', 'ms', '(the figures alone)', null],
    ['heapAfterMB', 'MB', '(JS heap after GC at the end of the run)', null],
  ],
  heap: [
    ['connections', '', '', null],
    ['heapPerConnectionKB', 'KB', "(socket.io's own floor is the next line)", null],
    ['bareSocketIoPerConnectionKB', 'KB', '(bare socket.io, same clients)', null],
    ['zhihuiOverheadPerConnectionKB', 'KB', "<= 0.5 over socket.io's floor (issue #15 target 6)", (v) => v <= 0.5],
    ['heapBaseMB', 'MB', '', null],
    ['heapLoadedMB', 'MB', '', null],
    ['heapAfterCloseMB', 'MB', '', null],
  ],
  sources: [
    ['channels', '', '', null],
    ['walls', '', '', null],
    ['mqttPublishMs', 'ms', '(100,000 QoS 1 messages, 4 publishers)', null],
    ['mqttConvergeMs', 'ms', '<= 2,000 after the last message', (v) => v <= 2000],
    ['redisPublishMs', 'ms', "(100,000 on wvp's device channel)", null],
    ['redisConvergeMs', 'ms', '<= 2,000 after the last message', (v) => v <= 2000],
    ['restPostMs', 'ms', '(20 batches of 5,000, 4 at a time)', null],
    ['restConvergeMs', 'ms', '(reference)', null],
    ['mqttTotalMs', 'ms', '(first message → every wall converged)', null],
    ['redisTotalMs', 'ms', '', null],
    ['restTotalMs', 'ms', '', null],
    ['mqttToRestRatio', 'ratio', '(whole storm vs REST)', null],
    ['redisToRestRatio', 'ratio', '', null],
    ['mqttServerCpuMs', 'ms', '(server CPU, user + system, for the whole storm)', null],
    ['redisServerCpuMs', 'ms', '', null],
    ['restServerCpuMs', 'ms', '', null],
  ],
  wire: [
    ['demoCountySubscribeWireKB', 'KB', '<= 100 on the socket (ack with the snapshot)', (v) => v <= 100],
    ['demoCountySnapshotRawKB', 'KB', '(the same snapshot as JSON)', null],
    ['wireToRaw', 'ratio', '', null],
    ['steadyDeltaWireBytes', 'bytes', '(one change, sent as is)', null],
    ['steadyDeltaRawBytes', 'bytes', '', null],
  ],
  gridpage: [
    ['reports', '', '(a province, three months)', null],
    ['provincePageMs', 'ms', '(a page of the whole province, read by the store)', null],
    ['provincePageInMemoryMs', 'ms', '(the same page, the window read and sorted in memory as before)', null],
    ['countyPageMs', 'ms', '(one county)', null],
    ['countyPageInMemoryMs', 'ms', '', null],
    ['townThirdPageMs', 'ms', '(one township, its third page)', null],
    ['townThirdPageInMemoryMs', 'ms', '', null],
  ],
  snapshots: [
    ['demoCountyRawKB', 'KB', '', null],
    ['demoCountyGzipKB', 'KB', '', null],
    ['demoCityRawKB', 'KB', '', null],
    ['demoCityGzipKB', 'KB', '', null],
    ['provinceCameras', '', '', null],
    ['provinceTownships', '', '', null],
    ['provinceEngineBuildMs', 'ms', '', null],
    ['provinceSnapshotRawKB', 'KB', '', null],
    ['provCityRawKB', 'KB', '', null],
    ['provCityGzipKB', 'KB', '', null],
    ['provCitySnapshotMs', 'ms', '', null],
    ['provCountyCameras', '', '', null],
    ['provCountyRawKB', 'KB', '', null],
    ['provCountyGzipKB', 'KB', '', null],
  ],
};

function runOnce(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, `${name}.mjs`)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), name === 'capacity' || name === 'wall' ? 900_000 : 240_000);
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${name} exited ${code} without a result: ${out.slice(-500)}`));
      }
    });
  });
}

const started = Date.now();
for (const [name, metrics] of Object.entries(BENCHES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const runs = [];
  for (let k = 0; k < RUNS; k++) {
    process.stdout.write(`${name}: run ${k + 1}/${RUNS}\r`);
    runs.push(await runOnce(name));
  }
  const medians = {};
  for (const key of Object.keys(runs[0]))
    if (typeof runs[0][key] === 'number') medians[key] = median(runs.map((r) => r[key]));
  const rows = metrics.map(([metric, unit, target, check]) => ({
    metric,
    value: medians[metric],
    unit,
    target,
    met: check ? check(medians[metric]) : undefined,
  }));
  table(`${name} (median of ${RUNS} runs)`, rows);
  const file = await writeResult(name, {
    runs: RUNS,
    medians,
    targets: Object.fromEntries(metrics.filter((m) => m[2]).map((m) => [m[0], m[2]])),
    raw: runs,
  });
  console.log(`-> ${path.relative(process.cwd(), file)}`);
}
// Scale-out (PostgreSQL vs SQLite ingest, two-process fan-out): its own script, which needs the
// services; it prints its own table and writes bench/results/scaleout.json.
if (only.length === 0 || only.includes('scaleout')) {
  await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, 'scaleout.mjs')], { stdio: 'inherit' });
    child.on('exit', (code) => {
      if (code !== 0) console.log(`scaleout benchmark exited ${code} (PostgreSQL and Redis must be up; see README)`);
      resolve();
    });
  });
}
console.log(`\nbenchmarks took ${Math.round((Date.now() - started) / 1000)} s`);
