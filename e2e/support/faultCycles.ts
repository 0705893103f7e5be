import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Editor, FaultService, Line, compareEdits, faultClient, median, readRoom, seededRandom, sleep } from "./faultHarness.ts";
import { MatchLoop, isExactlyOnce, readMatchExports, type FinishedMatch, type GameRecord } from "./faultGames.ts";
import { eventually } from "./service.ts";

/** Document rooms the workload keeps busy, and parallel match loops. */
const DOC_ROOMS = 3;
const MATCH_LOOPS = 2;
/** The kill lands this long into each cycle's workload, in ms (seeded). */
const KILL_AFTER_MS = { min: 300, max: 4_000 };
/** Bounds on waits after a restart, in ms: clients back, edits saved, exports flushed. */
const RECONNECT_TIMEOUT_MS = 30_000;
const SAVED_TIMEOUT_MS = 30_000;
const EXPORT_TIMEOUT_MS = 30_000;

export interface FaultRunOptions {
  port: number;
  seed: number;
  cycles: number;
  log?: (line: string) => void;
}

export interface CycleReport {
  cycle: number;
  killAfterMs: number;
  restartMs: number;
  /** Edits of the room kept offline through the restart that were told saved before the kill, and how many a fresh reader found. */
  heldRoom: { roomId: string; toldSavedAtKill: number; found: number };
  reconnectMaxMs: number | null;
  matchesChecked: number;
}

export interface FaultRunSummary {
  seed: number;
  cycles: number;
  cyclesCompleted: number;
  durationMs: number;
  workload: { docRooms: number; editors: number; matchLoops: number };
  edits: { made: number; toldSaved: number; found: number; missing: number; duplicated: number };
  matches: { finished: number; leaderboardEntries: number; expectedLeaderboardEntries: number; replays: number; duplicates: number; missing: number };
  reconnectMs: { samples: number; median: number | null; max: number | null };
  seatResumes: number;
  failures: string[];
  perCycle: CycleReport[];
}

interface Room {
  roomId: string;
  line: Line;
  editors: Editor[];
}

/**
 * Seeded SIGKILL cycles against a private `wrangler dev`: editors and matches keep running, the
 * whole process tree is killed at a random moment and restarted on the same state directory,
 * then every promise the service made is checked (see e2e/faults.spec.ts).
 */
export async function runFaultCycles({ port, seed, cycles, log = () => {} }: FaultRunOptions): Promise<FaultRunSummary> {
  const random = seededRandom(seed);
  const started = Date.now();
  const stateDir = await mkdtemp(join(tmpdir(), "edgeroom-faults-"));
  const service = new FaultService(port, stateDir);
  const failures: string[] = [];
  const perCycle: CycleReport[] = [];
  const reconnectSamples: number[] = [];
  const games: GameRecord = { finished: [], resumes: [], failures };
  const rooms: Room[] = [];
  const loops: MatchLoop[] = [];
  const exportTotals = { entries: 0, replays: 0, duplicates: 0, missing: 0 };
  const editTotals = { found: 0, missing: 0, duplicated: 0 };
  let checkedMatches = 0;

  const checkExports = async (matches: FinishedMatch[], final: boolean) => {
    await Promise.all(
      matches.map(async (match) => {
        let last = await readMatchExports(service.baseUrl, match);
        const deadline = Date.now() + EXPORT_TIMEOUT_MS;
        while (!isExactlyOnce(last, match) && !last.scores.some((s) => s > 1) && last.replays <= 1 && Date.now() < deadline) {
          await sleep(300);
          last = await readMatchExports(service.baseUrl, match);
        }
        if (isExactlyOnce(last, match)) {
          if (final) {
            exportTotals.entries += last.scores.length;
            exportTotals.replays += last.replays;
          }
          return;
        }
        const isDuplicate = last.scores.some((s) => s > 1) || last.replays > 1;
        if (final) exportTotals[isDuplicate ? "duplicates" : "missing"] += 1;
        failures.push(`match ${match.matchId} in ${match.roomId}: scores ${JSON.stringify(last.scores)}, replays ${last.replays}, readable ${last.isReplayReadable}`);
      }),
    );
  };

  const checkDocuments = async (final: boolean) => {
    for (const editor of rooms.flatMap((r) => r.editors)) editor.pause();
    const editors = rooms.flatMap((r) => r.editors);
    await eventually(() => editors.every((e) => e.provider.status === "saved"), SAVED_TIMEOUT_MS, "every editor to be saved");
    for (const room of rooms) {
      const expected = room.editors.flatMap((e) => e.toldSaved);
      const found = await readRoom(service.baseUrl, room.roomId);
      const { missing, duplicated } = compareEdits(expected, found);
      if (final) {
        editTotals.found += expected.length - missing.length;
        editTotals.missing += missing.length;
        editTotals.duplicated += duplicated.length;
      }
      if (missing.length > 0) failures.push(`${room.roomId}: a fresh reader lacks ${missing.length} saved edits, such as ${missing.slice(0, 3).join(", ")}`);
      if (duplicated.length > 0) failures.push(`${room.roomId}: edits stored twice: ${duplicated.slice(0, 3).join(", ")}`);
      const same = (e: Editor) => JSON.stringify(e.contents()) === JSON.stringify(found);
      await eventually(() => room.editors.every(same), SAVED_TIMEOUT_MS, `the editors of ${room.roomId} to converge`).catch(() => {
        failures.push(`${room.roomId}: editors hold ${room.editors.map((e) => e.contents().length).join("/")} edits, the room ${found.length}`);
      });
    }
  };

  try {
    log(`fault run: seed ${seed}, ${cycles} cycles, port ${port}, state in ${stateDir}`);
    await service.start();
    for (let r = 0; r < DOC_ROOMS; r++) {
      const roomId = `faults-${seed}-${r}`;
      const line = new Line();
      const count = 2 + Math.floor(random() * 2);
      const editors = Array.from({ length: count }, (_, i) => {
        const name = `r${r}e${i}`;
        return new Editor(name, faultClient(service.baseUrl, name, "doc/*", "editor", line).doc(roomId), seededRandom(seed + r * 16 + i));
      });
      rooms.push({ roomId, line, editors });
    }
    const editors = rooms.flatMap((r) => r.editors);
    await eventually(() => editors.every((e) => e.isInSync), 20_000, "every editor to sync");
    for (let i = 0; i < MATCH_LOOPS; i++) {
      loops.push(new MatchLoop(() => service.baseUrl, `m${seed}-${i}`, games, seededRandom(seed + 1000 + i)));
    }

    for (let cycle = 1; cycle <= cycles && failures.length === 0; cycle++) {
      for (const editor of editors) editor.start();
      for (const loop of loops) loop.start();
      const killAfterMs = KILL_AFTER_MS.min + Math.floor(random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
      const held = rooms[Math.floor(random() * rooms.length)]!;
      await sleep(killAfterMs);

      const killedAt = Date.now();
      await service.kill();
      // One room's editors stay offline through the restart, so a fresh reader sees only what
      // the room stored before the kill: every edit they were told is saved must be there.
      held.line.cut();
      const heldSaved = held.editors.flatMap((e) => e.toldSaved);
      const restartMs = await service.start();
      const heldFound = await readRoom(service.baseUrl, held.roomId);
      const heldMissing = compareEdits(heldSaved, heldFound).missing;
      if (heldMissing.length > 0) {
        failures.push(`cycle ${cycle}: ${held.roomId} lost ${heldMissing.length} edits told saved before the kill, such as ${heldMissing.slice(0, 3).join(", ")}`);
      }
      held.line.restore();

      const others = editors.filter((e) => !held.editors.includes(e));
      await eventually(() => editors.every((e) => e.isInSync && (e.reconnectedAt ?? 0) > killedAt), RECONNECT_TIMEOUT_MS, "every editor to reconnect").catch(
        () => failures.push(`cycle ${cycle}: editors not back in ${RECONNECT_TIMEOUT_MS} ms: ${editors.filter((e) => !e.isInSync).map((e) => e.name).join(", ")}`),
      );
      const cycleSamples = [
        ...others.map((e) => (e.reconnectedAt ?? Date.now()) - service.readyAt),
        ...games.resumes.filter((r) => r.at > killedAt).map((r) => r.at - service.readyAt),
      ].map((ms) => Math.max(0, ms));
      reconnectSamples.push(...cycleSamples);

      await checkDocuments(false);
      const fresh = games.finished.slice(checkedMatches);
      checkedMatches = games.finished.length;
      await checkExports(fresh, false);
      const report: CycleReport = {
        cycle,
        killAfterMs,
        restartMs,
        heldRoom: { roomId: held.roomId, toldSavedAtKill: heldSaved.length, found: heldSaved.length - heldMissing.length },
        reconnectMaxMs: cycleSamples.length > 0 ? Math.max(...cycleSamples) : null,
        matchesChecked: fresh.length,
      };
      perCycle.push(report);
      log(`cycle ${cycle}: kill after ${killAfterMs} ms, restart ${restartMs} ms, ${held.roomId} kept ${report.heldRoom.found}/${heldSaved.length} saved edits, reconnect max ${report.reconnectMaxMs} ms, ${fresh.length} matches checked${failures.length ? `, FAILURES: ${failures.join("; ")}` : ""}`);
    }

    for (const editor of editors) editor.pause();
    await Promise.all(loops.map((loop) => loop.stop()));
    if (failures.length === 0) await checkDocuments(true);
    // Every match once more, after all the kills: an export re-delivered late shows up here.
    await checkExports(games.finished, true);
  } catch (error) {
    failures.push(`run stopped: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const editor of rooms.flatMap((r) => r.editors)) editor.provider.destroy();
    for (const loop of loops) void loop.stop();
    await service.kill();
    await rm(stateDir, { recursive: true, force: true });
  }

  const editors = rooms.flatMap((r) => r.editors);
  return {
    seed,
    cycles,
    cyclesCompleted: perCycle.length,
    durationMs: Date.now() - started,
    workload: { docRooms: rooms.length, editors: editors.length, matchLoops: loops.length },
    edits: {
      made: editors.reduce((n, e) => n + e.made.length, 0),
      toldSaved: editors.reduce((n, e) => n + e.savedCount, 0),
      ...editTotals,
    },
    matches: {
      finished: games.finished.length,
      leaderboardEntries: exportTotals.entries,
      expectedLeaderboardEntries: games.finished.filter((m) => m.winnerId !== null).length * 2,
      replays: exportTotals.replays,
      duplicates: exportTotals.duplicates,
      missing: exportTotals.missing,
    },
    reconnectMs: { samples: reconnectSamples.length, median: median(reconnectSamples), max: reconnectSamples.length ? Math.max(...reconnectSamples) : null },
    seatResumes: games.resumes.length,
    failures,
    perCycle,
  };
}
