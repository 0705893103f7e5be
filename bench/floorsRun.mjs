// `npm run bench -- --floors`: Edgeroom beside its same-platform floors with every scenario's rounds
// alternated between the systems, started side by side, as the pairs scripts do. Run one system's
// rounds after another's and a ratio carries whatever the shared machine did in the minutes between
// them; alternated, each round of one system has a round of the other next to it. Each figure is
// still the median of a system's rounds, beside the median of the per-round ratios to its floor.
import { STORM_SCENARIOS } from "./storm.mjs";
import { burst, burstFloor, fanOut, isYjs } from "./scenarios.mjs";
import { typing } from "./typing.mjs";
import { median, summarizeRuns } from "./stats.mjs";
import { alternateRuns, withSystemsSideBySide } from "./systems.mjs";

/** The no-network floor of the burst scenario: not a server, but it takes its turn in the rounds. */
const NO_NETWORK = { name: "floor", system: null };

/** The name of the started floor that speaks Yjs (y-partyserver) or relays bytes unread (the DO relay). */
const floorOf = (started, speaksYjs) => started.find((entry) => entry.system.floor && isYjs(entry.system) === speaksYjs)?.name ?? null;

/**
 * One unmeasured warm-up per entry (unless `warm` is false), then `runs` rounds taking the entries
 * in turn, each `{ name, ... }`. Keeps each entry's summary (summarizeRuns) at `path` in `results`,
 * an entry's name appended, and for each of `ratioOf`'s fields the median of its per-round ratios to
 * the `reference` entry's as `<field>RoundRatio`. A round that throws makes the entry's summary
 * `{ error }`: a failure is reported, not left out of a median.
 */
export async function alternate(results, path, entries, runs, once, { warm = true, reference = null, ratioOf = [] } = {}) {
  // This scenario's rounds, apart from what the entries measured before. A warm-up that fails is not
  // reported: the rounds after it are.
  const measuring = entries.map((entry) => ({ ...entry, results: [] }));
  await alternateRuns(measuring, runs, (entry) => once(entry).catch((error) => ({ error: String(error) })), { warm });
  const rounds = new Map(measuring.map((entry) => [entry.name, entry.results]));
  let at = results;
  for (const key of path) at = at[key] ??= {};
  const base = reference === null ? null : rounds.get(reference);
  const baseFailed = !base || base.some((run) => run.error);
  for (const entry of entries) {
    const measured = rounds.get(entry.name);
    const failed = measured.find((run) => run.error);
    at[entry.name] = failed ? { error: failed.error } : summarizeRuns(measured);
    if (!failed && !baseFailed && entry.name !== reference) {
      for (const field of ratioOf) at[entry.name][`${field}RoundRatio`] = median(measured.map((run, k) => run[field] / base[k][field]));
    }
    console.log([...path, entry.name].join(" / "), at[entry.name]);
  }
}

/**
 * Runs the floors configuration into `results` (the shape run.mjs writes): fan-out, burst with its
 * fresh sync, typing, then each storm on servers started fresh for it.
 */
export async function runFloorsAlternating(config, results, wants) {
  const alternateRounds = (path, entries, once, options) => alternate(results, path, entries, config.runs, once, options);

  await withSystemsSideBySide(config.systems, async (started) => {
    const relay = floorOf(started, false);
    const yjsPeer = floorOf(started, true);
    for (const receivers of wants("fanOut") ? config.fanOut : []) {
      // The warm-up is per scenario, not per N, as in the sequential run.
      await alternateRounds(["fanOut", receivers], started, (e) => fanOut(e.system, e.port, e.server, { receivers, messages: config.messages }), {
        warm: receivers === config.fanOut[0],
        reference: relay,
        ratioOf: ["lastReceiverP99Ms", "cpuMicrosPerDelivery"],
      });
    }
    const documents = started.filter((entry) => isYjs(entry.system));
    if (wants("burst")) {
      const once = async (e) => (e.system ? burst(e.system, e.port, e.server, config) : burstFloor(config));
      await alternateRounds(["burst"], [NO_NETWORK, ...documents], once, { reference: NO_NETWORK.name, ratioOf: ["freshSyncMs"] });
    }
    for (const [index, observers] of (wants("typing") ? config.typing.observers : []).entries()) {
      for (const [rateIndex, rate] of config.typing.rates.entries()) {
        const key = `${rate}/s, ${observers} observer${observers > 1 ? "s" : ""}`;
        await alternateRounds(["typing", key], documents, (e) => typing(e.system, e.port, e.server, { rate, observers, seconds: config.typing.seconds }), {
          warm: index === 0 && rateIndex === 0,
          reference: yjsPeer,
          ratioOf: ["p99Ms"],
        });
      }
    }
  });

  // Each storm on servers started for it (what ran before shapes a storm), the rounds alternated.
  for (const scenario of config.storm.filter(wants)) {
    await withSystemsSideBySide(config.systems, async (started) => {
      await alternateRounds([scenario], started, (e) => STORM_SCENARIOS[scenario](e.system, e.port, e.server, config.stormOptions[scenario]), {
        reference: floorOf(started, true),
        ratioOf: ["allSyncedMs"],
      });
    });
  }
}
