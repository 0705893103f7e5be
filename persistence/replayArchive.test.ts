import { describe, it } from "vitest";
import { replayArchiveContract } from "./replayArchive.contract.ts";
import { MemoryReplayArchive } from "./replayArchive.ts";

describe("MemoryReplayArchive", () => {
  for (const [name, check] of Object.entries(replayArchiveContract)) it(name, () => check(new MemoryReplayArchive(), "room"));
});
