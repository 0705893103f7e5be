import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { D1LeaderboardStore } from "../../persistence/d1LeaderboardStore.ts";
import { leaderboardStoreContract } from "../../persistence/leaderboardStore.contract.ts";

describe("D1LeaderboardStore on local D1", () => {
  let n = 0;
  for (const [name, check] of Object.entries(leaderboardStoreContract)) {
    it(name, () => check(new D1LeaderboardStore(env.DB), `contract${n++}`));
  }
});
