import { describe, it } from "vitest";
import { roomMetaContract } from "./roomMeta.contract.ts";
import { MemoryRoomMetaStore } from "./roomMeta.ts";

describe("MemoryRoomMetaStore", () => {
  for (const [name, check] of Object.entries(roomMetaContract)) it(name, () => check(new MemoryRoomMetaStore()));
});
