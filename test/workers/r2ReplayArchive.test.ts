import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { R2ReplayArchive } from "../../persistence/r2ReplayArchive.ts";
import { replayArchiveContract } from "../../persistence/replayArchive.contract.ts";

describe("R2ReplayArchive on local R2", () => {
  let n = 0;
  for (const [name, check] of Object.entries(replayArchiveContract)) {
    it(name, () => check(new R2ReplayArchive(env.ARCHIVE), `contract-${n++}`));
  }
});
