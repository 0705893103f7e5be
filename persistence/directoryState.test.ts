import { describe, it } from "vitest";
import { directoryStateContract } from "./directoryState.contract.ts";
import { MemoryDirectoryState } from "./directoryState.ts";

describe("MemoryDirectoryState", () => {
  for (const [name, check] of Object.entries(directoryStateContract)) it(name, () => check(new MemoryDirectoryState()));
});
