import { execFileSync } from "node:child_process";
import { delimiter, join } from "node:path";

/**
 * The first `node` on PATH, or in the usual places, whose major version is `major`, skipping the
 * project's pinned Node 22 in node_modules; null when the machine has none (the test then skips).
 */
export function findSystemNode(major: number): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/local/bin", "/usr/bin", "/bin"];
  for (const dir of dirs) {
    if (!dir || dir.includes("node_modules")) continue;
    try {
      const path = join(dir, "node");
      if (execFileSync(path, ["--version"], { encoding: "utf8" }).startsWith(`v${major}.`)) return path;
    } catch {
      // no node here
    }
  }
  return null;
}
