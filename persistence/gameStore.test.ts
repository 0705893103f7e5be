import { describe, it } from "vitest";
import { gameStoreContract } from "./gameStore.contract.ts";
import { MemoryGameStore } from "./memoryGameStore.ts";

describe("MemoryGameStore", () => {
  for (const [name, check] of Object.entries(gameStoreContract)) it(name, () => check(new MemoryGameStore()));
});
