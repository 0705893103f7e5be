// The Node adapter's D1 and R2 stand-ins run the same contract suites as the real stores' twins,
// and the archive keeps every key inside its folder.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { D1LeaderboardStore } from "../../../persistence/d1LeaderboardStore.ts";
import { leaderboardStoreContract } from "../../../persistence/leaderboardStore.contract.ts";
import { R2ReplayArchive } from "../../../persistence/r2ReplayArchive.ts";
import { replayArchiveContract } from "../../../persistence/replayArchive.contract.ts";

import { FsArchive, keyToPath } from "../../../server/node/fsArchive.ts";
import { serveAsset } from "../../../server/node/staticAssets.ts";
import { applyMigrations, nodeD1 } from "../../../server/node/d1.ts";

const folders: string[] = [];
const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), "edgeroom-node-"));
  folders.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function migratedD1() {
  const db = new DatabaseSync(":memory:");
  applyMigrations(db, "persistence/migrations");
  return nodeD1(db);
}

describe("D1LeaderboardStore on the Node adapter's D1 (node:sqlite, D1 migrations applied)", () => {
  for (const [name, check] of Object.entries(leaderboardStoreContract)) it(name, () => check(new D1LeaderboardStore(migratedD1()), "board"));
});

describe("R2ReplayArchive on the Node adapter's folder archive", () => {
  for (const [name, check] of Object.entries(replayArchiveContract)) it(name, () => check(new R2ReplayArchive(new FsArchive(tempFolder()) as unknown as R2Bucket), "room-1"));
});

describe("nodeD1", () => {
  it("applies each migration once, and answers first/all/run/raw/batch as D1 does", async () => {
    const db = new DatabaseSync(":memory:");
    applyMigrations(db, "persistence/migrations");
    applyMigrations(db, "persistence/migrations");
    const d1 = nodeD1(db);
    await d1.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
    const insert = d1.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)");
    const [a, b] = await d1.batch([insert.bind("a", 1), insert.bind("b", 2)]);
    expect(a!.meta.changes).toBe(1);
    expect(b!.success).toBe(true);
    expect(await d1.prepare("SELECT v FROM t WHERE k = ?").bind("b").first("v")).toBe(2);
    expect((await d1.prepare("SELECT k FROM t ORDER BY k").all<{ k: string }>()).results).toEqual([{ k: "a" }, { k: "b" }]);
    expect(await d1.prepare("SELECT k, v FROM t ORDER BY k").raw()).toEqual([["a", 1], ["b", 2]]);
    expect((await d1.prepare("UPDATE t SET v = v + 1").run()).meta.changes).toBe(2);
    // A batch is all or nothing.
    await expect(d1.batch([insert.bind("c", 3), insert.bind("a", 9)])).rejects.toThrow();
    expect(await d1.prepare("SELECT count(*) AS n FROM t").first("n")).toBe(2);
  });
});

describe("FsArchive", () => {
  it("maps every key inside its folder, however it is spelled", () => {
    const root = tempFolder();
    for (const key of ["../escape", "a/../../b", "..", ".", "", "/abs", "a//b", "a\\..\\b", "%2e%2e/x", "nul\0byte", `${"../".repeat(20)}etc/passwd`]) {
      const path = keyToPath(root, key);
      const inside = relative(root, path);
      expect(inside.startsWith(".."), `${key} -> ${path}`).toBe(false);
      expect(inside.split(sep)).not.toContain("..");
    }
  });

  it("stores, lists by prefix with a cursor, reads back with metadata, and deletes", async () => {
    const root = tempFolder();
    const archive = new FsArchive(root);
    await archive.put("doc/r1/v2", "two", { customMetadata: { n: "2" } });
    await archive.put("doc/r1/v1", new Uint8Array([1]));
    await archive.put("doc/r10/v1", "other room");
    await archive.put("../outside", "stays in");
    expect(readdirSync(join(root, ".."))).not.toContain("outside~obj");
    const first = await archive.list({ prefix: "doc/r1/", limit: 1 });
    expect(first.objects.map((o) => o.key)).toEqual(["doc/r1/v1"]);
    expect(first.truncated).toBe(true);
    const rest = await archive.list({ prefix: "doc/r1/", cursor: first.cursor });
    expect(rest.objects.map((o) => o.key)).toEqual(["doc/r1/v2"]);
    expect(rest.objects[0]!.customMetadata).toEqual({ n: "2" });
    expect(await (await archive.get("doc/r1/v2"))!.text()).toBe("two");
    expect(await (await archive.get("../outside"))!.text()).toBe("stays in");
    await archive.delete(["doc/r1/v1", "doc/r1/v2"]);
    expect((await archive.list({ prefix: "doc/" })).objects.map((o) => o.key)).toEqual(["doc/r10/v1"]);
    expect(await archive.get("doc/r1/v1")).toBeNull();
  });
});

describe("serveAsset", () => {
  it("serves files of its folder only, never /v1/ paths, and a folder's index.html", async () => {
    const parent = tempFolder();
    const folder = join(parent, "site");
    mkdirSync(join(folder, "docs"), { recursive: true });
    writeFileSync(join(folder, "index.html"), "home");
    writeFileSync(join(folder, "docs", "index.html"), "docs");
    writeFileSync(join(folder, "app.js"), "code");
    writeFileSync(join(parent, "secret.txt"), "secret");
    const get = (path: string) => serveAsset(folder, new Request(`http://127.0.0.1${path}`));
    expect(await (await get("/"))!.text()).toBe("home");
    expect(await (await get("/docs/"))!.text()).toBe("docs");
    expect((await get("/app.js"))!.headers.get("Content-Type")).toMatch(/javascript/);
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/docs/%2E%2E%2F..%2Fsecret.txt", "/v1/health", "/missing.html"]) {
      expect(await get(path), path).toBeNull();
    }
  });
});
