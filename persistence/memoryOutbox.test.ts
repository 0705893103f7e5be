import { describe, it } from "vitest";
import { MemoryOutbox } from "./memoryOutbox.ts";
import { outboxContract } from "./outbox.contract.ts";

describe("MemoryOutbox", () => {
  for (const [name, check] of Object.entries(outboxContract)) it(name, () => check(new MemoryOutbox()));
});
