// The soak's clients and what they count: editors typing at human rates and observers (the SDK's
// DocProvider), and arena players steering (raw sockets, bench/gamePlayers.mjs). Every count lands
// in the Ledger's current minute.
import * as Y from "yjs";
import { BenchWebSocket } from "./client.mjs";
import { EdgeroomPlayer } from "./gamePlayers.mjs";

/** A keystroke every 120-250 ms inside a word; words of 3-8 characters; 0.6-3 s between words. */
const KEY_MS = [120, 250];
const WORD_CHARS = [3, 8];
const PAUSE_MS = [600, 3_000];
/** One keystroke in 20 is a backspace. */
const BACKSPACE_CHANCE = 0.05;
/** A player steers 10 times a second, half the arena's 20 Hz tick. */
const INPUT_EVERY_MS = 100;

/** mulberry32: a small seeded generator, so a run's typing and steering repeat from its seed. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (random, [low, high]) => low + random() * (high - low);

/** Counters and latency samples per minute of the run, and the first few errors in full. */
export class Ledger {
  minutes = [];
  firstErrors = [];
  #started = performance.now();

  get minute() {
    const index = Math.floor((performance.now() - this.#started) / 60_000);
    while (this.minutes.length <= index) {
      this.minutes.push({ minute: this.minutes.length, rssMiB: [], edits: 0, deliveries: 0, editLatencyMs: [], inputs: 0, acks: 0, ackLatencyMs: [], states: 0, gaps: 0, errors: 0 });
    }
    return this.minutes[index];
  }

  error(kind, detail) {
    const minute = this.minute;
    minute.errors += 1;
    if (this.firstErrors.length < 20) this.firstErrors.push({ minute: minute.minute, kind, detail: String(detail) });
  }
}

/**
 * One document room's edits in flight: each inserted character's Yjs id (`client:clock`) with
 * when it was typed and how many of the room's other clients have yet to see it. What is left
 * at the end was lost.
 */
export class RoomEdits {
  pending = new Map();
  providers = [];

  /** Every other client of the room must see the keystroke. */
  typed(clientId, clock, at) {
    this.pending.set(`${clientId}:${clock}`, { at, left: this.providers.length - 1 });
  }

  /** Watches one client's document for the others' keystrokes. */
  watch(provider, ledger) {
    const next = new Map();
    provider.doc.on("update", (update, origin) => {
      if (origin !== provider) return; // our own typing
      const at = performance.now();
      const { from, to } = Y.parseUpdateMeta(update);
      for (const [client, start] of from) {
        const end = to.get(client);
        for (let clock = Math.max(start, next.get(client) ?? 0); clock < end; clock++) this.#delivered(`${client}:${clock}`, at, ledger);
        next.set(client, Math.max(end, next.get(client) ?? 0));
      }
    });
  }

  #delivered(key, at, ledger) {
    const edit = this.pending.get(key);
    if (!edit) return;
    const minute = ledger.minute;
    minute.deliveries += 1;
    minute.editLatencyMs.push(at - edit.at);
    if (--edit.left <= 0) this.pending.delete(key);
  }

  /** Keystroke deliveries still missing. */
  get undelivered() {
    let total = 0;
    for (const edit of this.pending.values()) total += edit.left;
    return total;
  }
}

/** A DocProvider whose unexpected drops, closes and refusals count as errors. */
export function openDoc(sdk, baseUrl, token, room, ledger) {
  const provider = sdk.createClient({ baseUrl, getToken: () => token, WebSocket: BenchWebSocket }).doc(room);
  provider.on("status", (status) => status === "offline" && ledger.error("offline", room));
  provider.on("close", (reason) => ledger.error("closed", `${room}: ${reason.code} ${reason.reason}`));
  provider.on("refused", (reason) => ledger.error("refused", `${room}: ${reason}`));
  return provider;
}

/** Types into the room's shared text until `isRunning()` turns false. Returns a stop function. */
export function startTyping(provider, roomEdits, random, ledger, isRunning) {
  const text = provider.doc.getText("t");
  let ownClock = 0;
  let leftInWord = 0;
  let timer = null;
  const keystroke = () => {
    if (!isRunning()) return;
    if (random() < BACKSPACE_CHANCE && text.length > 0) text.delete(Math.floor(random() * text.length), 1);
    else {
      const at = performance.now();
      // One character is one Yjs item: this client's clock advances by one per keystroke.
      roomEdits.typed(provider.doc.clientID, ownClock++, at);
      text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + Math.floor(random() * 26)));
      ledger.minute.edits += 1;
    }
    if (leftInWord <= 0) leftInWord = Math.round(between(random, WORD_CHARS));
    leftInWord -= 1;
    timer = setTimeout(keystroke, leftInWord > 0 ? between(random, KEY_MS) : between(random, PAUSE_MS));
  };
  timer = setTimeout(keystroke, between(random, PAUSE_MS));
  return () => clearTimeout(timer);
}

/**
 * An arena player steering at INPUT_EVERY_MS. Within a match each state message's tick is the
 * last one's or the next (a tick only repeats for an ack-only update): a jump is a gap.
 */
export class SoakPlayer {
  pending = [];
  #seq = 0;
  #lastTick = null;
  #closes = 0;
  #errors = 0;
  #timer = null;

  constructor(url, random, ledger) {
    this.player = new EdgeroomPlayer(url);
    this.random = random;
    this.ledger = ledger;
    this.player.onState = (at, _bytes, tick, ack, isFull) => {
      const minute = ledger.minute;
      minute.states += 1;
      if (!isFull && this.#lastTick !== null && (tick < this.#lastTick || tick > this.#lastTick + 1)) {
        minute.gaps += 1;
        ledger.error("gap", `tick ${this.#lastTick} then ${tick}`);
      }
      this.#lastTick = tick;
      while (this.pending.length > 0 && this.pending[0].seq <= ack) {
        minute.acks += 1;
        minute.ackLatencyMs.push(at - this.pending.shift().at);
      }
    };
  }

  start() {
    let dx = 1;
    let dy = 0;
    this.#timer = setInterval(() => {
      if (this.random() < 0.2) [dx, dy] = [Math.floor(this.random() * 3) - 1, Math.floor(this.random() * 3) - 1];
      this.pending.push({ seq: ++this.#seq, at: performance.now() });
      this.player.send(this.#seq, dx, dy);
      this.ledger.minute.inputs += 1;
    }, INPUT_EVERY_MS);
  }

  stop() {
    clearInterval(this.#timer);
  }

  /** Counts closes and error replies since the last call. */
  checkHealth() {
    const { closedUnexpectedly, errors, closedWith } = this.player;
    if (closedUnexpectedly > this.#closes) this.ledger.error("game closed", closedWith);
    if (errors > this.#errors) this.ledger.error("game error reply", `${errors - this.#errors} error messages`);
    this.#closes = closedUnexpectedly;
    this.#errors = errors;
  }
}
