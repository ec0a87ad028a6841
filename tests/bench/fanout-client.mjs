// Child process of the fan-out and heap benchmarks: opens sockets, reports receipt times over IPC.
import { io } from 'socket.io-client';

const url = process.env.BENCH_URL;
const count = Number(process.env.BENCH_SOCKETS ?? 125);
const region = process.env.BENCH_REGION ?? '';
const measureBytes = process.env.BENCH_BYTES === '1';
const now = () => performance.timeOrigin + performance.now();

const sockets = [];
/** row → receipt times (one per socket that saw it). */
const receipts = new Map();
const frames = [];

function open(k) {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    s.on('connect_error', reject);
    s.on('connect', () => {
      if (!region) return resolve();
      s.emit('subscribe', { region, packed: true }, (ack) =>
        ack.ok ? resolve() : reject(new Error(ack.error.message)),
      );
    });
    s.on('delta', (d) => {
      const t = now();
      if (d.cams)
        for (const i of d.cams.i) {
          let list = receipts.get(i);
          if (!list) receipts.set(i, (list = []));
          list.push(t);
        }
      if (measureBytes && k === 0)
        frames.push({
          bytes: Buffer.byteLength('42' + JSON.stringify(['delta', d])),
          camsBytes: d.cams ? Buffer.byteLength(JSON.stringify(d.cams)) : 0,
          changes: d.cams ? d.cams.i.length : 0,
          figures: !!d.figures,
          trend: !!d.trend,
          seq: d.seq,
        });
    });
  });
}

// Open in small waves: thousands of simultaneous handshakes only measure the accept queue.
for (let k = 0; k < count; k += 50)
  await Promise.all(Array.from({ length: Math.min(50, count - k) }, (_, j) => open(k + j)));
process.send({ type: 'ready', sockets: sockets.length });
process.on('message', (m) => {
  if (m.type === 'reset') {
    receipts.clear();
    frames.length = 0;
    process.send({ type: 'reset-done' });
  } else if (m.type === 'report') {
    process.send({ type: 'report', receipts: [...receipts], frames });
  } else if (m.type === 'close') {
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
});
