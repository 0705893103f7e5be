import { describe, it } from "vitest";
import { docStoreContract } from "./docStore.contract.ts";
import { MemoryDocStore } from "./docStore.ts";

describe("MemoryDocStore", () => {
  for (const [name, check] of Object.entries(docStoreContract)) it(name, () => check(new MemoryDocStore()));
});
