import perfHooks from 'node:perf_hooks';

/**
 * prom-client watches garbage collection for the process metrics with a PerformanceObserver that it
 * never disconnects; a server makes it once (src/http/metrics.ts). Jest loads every module again for
 * each test file, so each file made another, and Node's list of observers kept it, and through it
 * every module the file had loaded, for as long as the worker lived (some 20 MB a file). The
 * observers made while a file runs are disconnected when it ends.
 */
const made: perfHooks.PerformanceObserver[] = [];
const Original = perfHooks.PerformanceObserver;
perfHooks.PerformanceObserver = class extends Original {
  constructor(callback: perfHooks.PerformanceObserverCallback) {
    super(callback);
    made.push(this);
  }
};

afterAll(() => {
  perfHooks.PerformanceObserver = Original;
  for (const observer of made.splice(0)) observer.disconnect();
});
