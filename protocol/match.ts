/**
 * The deterministic core shared by the room, the SDK's prediction and replays: a match is
 * fully determined by `{ seed, version, players, entries }`, where each entry says what
 * happened (join, leave, input) after how many ticks.
 */
import type { AnyGame, GameContext } from "./gameDefinition.ts";

/** mulberry32: a tiny seeded PRNG whose whole state is one uint32, so it can be saved with the match. */
export function nextRandom(rngState: number): { value: number; rngState: number } {
  const next = (rngState + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, rngState: next };
}

/** One thing that happened in a match, after `tick` ticks: the record a replay re-runs. */
export type MatchEntry =
  | { tick: number; kind: "join"; playerId: string }
  | { tick: number; kind: "leave"; playerId: string }
  | { tick: number; kind: "input"; playerId: string; seq: number; input: unknown };

/** Everything needed to resume a match exactly where it was. */
export interface MatchSnapshot {
  tick: number;
  rngState: number;
  state: unknown;
}

/**
 * Runs one match of a game. The room drives it live; `replayMatch` drives it from a record.
 * Events the rules emit are collected until `drainEvents`.
 */
export class MatchEngine<G extends AnyGame = AnyGame> {
  state: ReturnType<G["setup"]>;
  tick: number;
  rngState: number;
  readonly game: G;
  #events: unknown[] = [];

  constructor(game: G, seed: number, players: string[], snapshot?: MatchSnapshot) {
    this.game = game;
    this.rngState = snapshot?.rngState ?? seed >>> 0;
    this.tick = snapshot?.tick ?? 0;
    this.state = (snapshot?.state ?? game.setup(seed, players)) as ReturnType<G["setup"]>;
  }

  get tickMs(): number {
    return 1000 / this.game.tickRateHz;
  }

  join(playerId: string): void {
    this.game.onJoin(this.state, playerId, this.#context());
  }

  leave(playerId: string): void {
    this.game.onLeave(this.state, playerId, this.#context());
  }

  /** Applies an input the caller has already validated against `game.input`. */
  input(playerId: string, input: unknown): void {
    this.game.onInput(this.state, playerId, input, this.#context());
  }

  step(): void {
    this.tick += 1;
    this.game.onTick(this.state, this.tickMs, this.#context());
  }

  apply(entry: MatchEntry): void {
    if (entry.kind === "join") this.join(entry.playerId);
    else if (entry.kind === "leave") this.leave(entry.playerId);
    else this.input(entry.playerId, entry.input);
  }

  snapshot(): MatchSnapshot {
    return { tick: this.tick, rngState: this.rngState, state: structuredClone(this.state) };
  }

  drainEvents(): unknown[] {
    return this.#events.splice(0);
  }

  #context(): GameContext {
    return {
      now: this.tick * this.tickMs,
      tick: this.tick,
      random: () => {
        const { value, rngState } = nextRandom(this.rngState);
        this.rngState = rngState;
        return value;
      },
      emit: (event) => void this.#events.push(event),
    };
  }
}

/** Replays a record: entries in order, each after its tick, then ticks up to `finalTick`. */
export function replayMatch<G extends AnyGame>(
  game: G,
  record: { seed: number; players: string[]; entries: MatchEntry[]; finalTick: number },
  onStep?: (engine: MatchEngine<G>) => void,
): MatchEngine<G> {
  const engine = new MatchEngine(game, record.seed, record.players);
  for (const entry of record.entries) {
    while (engine.tick < entry.tick) {
      engine.step();
      onStep?.(engine);
    }
    engine.apply(entry);
  }
  while (engine.tick < record.finalTick) {
    engine.step();
    onStep?.(engine);
  }
  return engine;
}

/** JSON with object keys sorted, so equal states give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** FNV-1a (32-bit) of the canonical JSON, as 8 hex digits: equal states, equal hashes. */
export function hashState(state: unknown): string {
  let hash = 0x811c9dc5;
  const text = canonicalJson(state);
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
