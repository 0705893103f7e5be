export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
export const median = (values) => percentile(values, 50);

/**
 * The summary of repeated runs of one scenario: the median of each numeric field, null if any run
 * had none (a run that failed its check reports null, and must not vanish into a median); booleans
 * must hold in every run; anything else is the first run's that has one. The field's kind is read
 * from every run, not the first: a first run's null used to make the field read as "not numeric",
 * so another run's figure was reported and the failure hidden.
 */
export function summarize(results) {
  const out = {};
  for (const key of Object.keys(results[0])) {
    const values = results.map((r) => r[key]);
    if (values.some((v) => typeof v === "boolean")) out[key] = values.every((v) => v === true);
    else if (values.some((v) => typeof v === "number")) out[key] = values.some((v) => v === null || v === undefined) ? null : median(values);
    else out[key] = values.find((v) => v !== null && v !== undefined) ?? null;
  }
  return out;
}

/**
 * `summarize`, with a fan-out's per-message delays (`lastReceiverMs`) pooled over its runs into one
 * p99 (`pooledLastReceiverP99Ms`): a run's 50 messages make its own p99 its largest delay, so the
 * median of those is a median of maxima.
 */
export function summarizeRuns(runs) {
  const pooled = runs.every((run) => Array.isArray(run.lastReceiverMs)) ? runs.flatMap((run) => run.lastReceiverMs) : null;
  const summary = summarize(runs.map(({ lastReceiverMs, ...run }) => run));
  if (pooled) summary.pooledLastReceiverP99Ms = percentile(pooled, 99);
  return summary;
}
