import { expect } from "vitest";
import type { DirectoryReportState } from "./directoryState.ts";

/**
 * The behaviour every DirectoryReportState must have. Each case gets a fresh state: the memory twin
 * runs these in Node (directoryState.test.ts), SqliteDirectoryState on node:sqlite in Node
 * (nodeSqlite.test.ts) and on DO SQLite inside workerd (test/workers/sqliteStores.test.ts).
 */
export const directoryStateContract: Record<string, (state: DirectoryReportState) => void> = {
  "starts never reported and clean": (state) => {
    expect(state.read()).toEqual({ lastReportAt: 0, isDirty: false });
  },
  "a change stays pending until a report, which records its time": (state) => {
    state.markDirty();
    state.markDirty();
    expect(state.read()).toEqual({ lastReportAt: 0, isDirty: true });
    state.markReported(5_000);
    expect(state.read()).toEqual({ lastReportAt: 5_000, isDirty: false });
    state.markDirty();
    expect(state.read()).toEqual({ lastReportAt: 5_000, isDirty: true });
  },
};
