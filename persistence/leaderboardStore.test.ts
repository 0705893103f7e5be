import { describe, it } from "vitest";
import { leaderboardStoreContract } from "./leaderboardStore.contract.ts";
import { MemoryLeaderboardStore } from "./leaderboardStore.ts";

describe("MemoryLeaderboardStore", () => {
  for (const [name, check] of Object.entries(leaderboardStoreContract)) it(name, () => check(new MemoryLeaderboardStore(), "board"));
});
