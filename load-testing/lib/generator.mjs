// Arrival models. openLoop: a constant arrival rate regardless of how fast answers come (the
// field's reality, free of coordinated omission: latency is counted from the moment a request was
// due, so client-side queueing counts). closedLoop: N workers back to back (a throughput ceiling).
import { sleep } from './http.mjs';

/**
 * @param {{rate: number, seconds: number, fire: (dueAt: number, i: number) => Promise<unknown>, maxInFlight?: number}} o
 * @returns {Promise<{sent: number, skipped: number, maxDispatchLagMs: number, meanDispatchLagMs: number}>}
 */
export async function openLoop({ rate, seconds, fire, maxInFlight = 20_000 }) {
  const start = performance.now();
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  let sent = 0;
  let skipped = 0;
  let inFlight = 0;
  let lagSum = 0;
  let lagMax = 0;
  let drain = () => undefined;
  while (sent + skipped < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / interval) + 1);
    while (sent + skipped < due) {
      const i = sent + skipped;
      const dueAt = start + i * interval;
      if (inFlight >= maxInFlight) {
        // The system is so far behind that holding more requests would only measure our own memory.
        skipped += 1;
        continue;
      }
      const lag = now - dueAt;
      lagSum += lag;
      if (lag > lagMax) lagMax = lag;
      inFlight += 1;
      sent += 1;
      fire(dueAt, i).finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drain();
      });
    }
    await sleep(1);
  }
  if (inFlight > 0) await new Promise((resolve) => (drain = resolve));
  return {
    sent,
    skipped,
    maxDispatchLagMs: Math.round(lagMax),
    meanDispatchLagMs: Math.round((lagSum / Math.max(1, sent)) * 100) / 100,
  };
}

/** @param {{connections: number, seconds: number, fire: (worker: number) => Promise<unknown>}} o */
export async function closedLoop({ connections, seconds, fire }) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, w) => {
      while (performance.now() < deadline) {
        await fire(w);
        done += 1;
      }
    }),
  );
  return { done };
}
