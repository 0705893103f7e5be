import { describe, it } from "vitest";
import { docVersionsContract } from "./docVersions.contract.ts";
import { MemoryDocVersions } from "./memoryDocVersions.ts";

describe("MemoryDocVersions", () => {
  for (const [name, check] of Object.entries(docVersionsContract)) it(name, () => check((random) => new MemoryDocVersions(random)));
});
