// mpegts.js ships the declarations of its exception classes beside its sources, not on the path
// its sources are imported from (the tests build the library's own exceptions).
declare module 'mpegts.js/src/utils/exception.js' {
  export * from 'mpegts.js/d.ts/src/utils/exception';
}
