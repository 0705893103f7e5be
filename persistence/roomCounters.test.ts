import { describe, it } from "vitest";
import { roomCountersContract } from "./roomCounters.contract.ts";
import { MemoryRoomCounters } from "./roomCounters.ts";

describe("MemoryRoomCounters", () => {
  for (const [name, check] of Object.entries(roomCountersContract)) it(name, () => check(new MemoryRoomCounters()));
});
