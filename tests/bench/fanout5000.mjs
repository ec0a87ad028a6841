// Fan-out at 5,000 sockets (4 client processes × 1,250) with the default configuration: the same
// measurement as fanout.mjs. One run; prints JSON.
process.env.BENCH_PER ??= '1250';
process.env.BENCH_PROCS ??= '4';
await import('./fanout.mjs');
