// The Node adapter's object host: rooms load on use, unload when idle, reload from their SQLite file,
// stay within their bound, and keep their alarm across a restart of the process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { nodeSqlite } from "../../../persistence/nodeSqlite.ts";
import { AlarmBook } from "../../../server/node/alarms.ts";
import { nodeDurability } from "../../../server/node/durability.ts";
import { eraseSqlite, openSqliteFile } from "../../../server/node/sqliteFile.ts";
import { HostFullError, NodeNamespace, type LoadedObject, type ObjectContext } from "../../../server/node/objectHost.ts";

const folders: string[] = [];
const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), "edgeroom-host-"));
  folders.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A counter object over its own SQLite; `sockets` stands for live sockets. */
function counters(folder: string, maxLoaded: number, log: string[] = []) {
  const sockets = new Map<string, number>();
  const namespace = new NodeNamespace({
    kind: "Counter",
    folder,
    maxLoaded,
    idleUnloadMs: 60_000,
    synchronous: "FULL",
    serializeCalls: true,
    load: (context: ObjectContext): LoadedObject => {
      const sql = nodeSqlite(context.db!).sql;
      sql.exec("CREATE TABLE IF NOT EXISTS n (v INTEGER)");
      log.push(`load ${context.name}`);
      return {
        instance: {
          add: (by: number) => {
            sql.exec("INSERT INTO n (v) VALUES (?)", by);
            return sql.exec<{ total: number }>("SELECT sum(v) AS total FROM n").one().total;
          },
          erase: () => {
            eraseSqlite(context.db!);
            // What the room writes right after lands in the emptied database.
            sql.exec("CREATE TABLE n (v INTEGER)");
            context.drop();
          },
        },
        socketCount: () => sockets.get(context.name) ?? 0,
        alarm: async () => void log.push(`alarm ${context.name}`),
        unload: () => void log.push(`unload ${context.name}`),
      };
    },
  });
  return { namespace, sockets, log };
}

describe("NodeNamespace", () => {
  it("loads on the first call, unloads when idle, and reloads from the object's SQLite file", async () => {
    const { namespace, log } = counters(tempFolder(), 10);
    const stub = namespace.getByName("a");
    expect(await stub.add!(2)).toBe(2);
    expect(await stub.add!(3)).toBe(5);
    namespace.sweep(Date.now() + 60_000);
    expect(namespace.isLoaded("a")).toBe(false);
    expect(await stub.add!(1)).toBe(6);
    expect(log).toEqual(["load a", "unload a", "load a"]);
    namespace.close();
  });

  it("never unloads an object with live sockets", async () => {
    const { namespace, sockets } = counters(tempFolder(), 10);
    await namespace.getByName("busy").add!(1);
    sockets.set("busy", 1);
    namespace.sweep(Date.now() + 600_000);
    expect(namespace.isLoaded("busy")).toBe(true);
    namespace.close();
  });

  it("past maxLoaded unloads the least recently used idle object, and refuses when every one is busy", async () => {
    const { namespace, sockets, log } = counters(tempFolder(), 2);
    await namespace.getByName("a").add!(1);
    await namespace.getByName("b").add!(1);
    await namespace.getByName("a").add!(1);
    await namespace.getByName("c").add!(1);
    expect(namespace.loadedCount).toBe(2);
    expect(log).toContain("unload b");
    expect(namespace.isLoaded("a")).toBe(true);
    sockets.set("a", 1);
    sockets.set("c", 1);
    await expect(namespace.getByName("d").add!(1)).rejects.toThrow(HostFullError);
    // A socket's upgrade (a stub's fetch) is answered 503, which the server writes back as it is.
    const refused = (await namespace.getByName("d").fetch!(new Request("http://room/"))) as Response;
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: "server_busy" } });
    expect(namespace.loadedCount).toBe(2);
    namespace.close();
  });

  it("a stub is not a promise (async functions return it) and getServerByName's setName is accepted", async () => {
    const { namespace } = counters(tempFolder(), 10);
    const stub = await (async () => namespace.get(namespace.idFromName("x")))();
    await stub.setName!("x");
    expect(await stub.add!(4)).toBe(4);
    namespace.close();
  });

  it("an erased object's database is empty at once, and the dropped object reloads from it", async () => {
    const { namespace } = counters(tempFolder(), 10);
    await namespace.getByName("gone").add!(5);
    await namespace.getByName("gone").erase!();
    expect(namespace.isLoaded("gone")).toBe(false);
    expect(await namespace.getByName("gone").add!(1)).toBe(1);
    namespace.close();
  });
});

describe("AlarmBook", () => {
  it("keeps an alarm across a restart and fires it once due", async () => {
    const path = join(tempFolder(), "alarms.sqlite");
    const first = new AlarmBook(new DatabaseSync(path), async () => {});
    first.set("DocRoom", "r1", Date.now() + 60_000);
    first.set("DocRoom", "r2", Date.now() - 1);
    first.close();
    const fired: string[] = [];
    let fire: () => void;
    const done = new Promise<void>((resolve) => (fire = resolve));
    const second = new AlarmBook(new DatabaseSync(path), async (kind, name) => {
      fired.push(`${kind}/${name}`);
      fire();
    });
    await done;
    expect(fired).toEqual(["DocRoom/r2"]);
    expect(second.get("DocRoom", "r2")).toBeNull();
    expect(second.get("DocRoom", "r1")).not.toBeNull();
    second.close();
  });
});

describe("nodeDurability", () => {
  it("acknowledges only after the log's fsync that follows the commit, never after a rollback, and many commits share one fsync", async () => {
    const path = join(tempFolder(), "room.sqlite");
    const file = openSqliteFile(path, "NORMAL");
    const { db, durability, close } = nodeDurability(nodeSqlite(file), path);
    db.sql.exec("CREATE TABLE t (v INTEGER)");
    const sent: string[] = [];
    db.transactionSync(() => {
      db.sql.exec("INSERT INTO t VALUES (1)");
      durability.afterDurable(() => sent.push("one"));
      db.transactionSync(() => durability.afterDurable(() => sent.push("nested")));
      expect(sent).toEqual([]);
    });
    expect(() =>
      db.transactionSync(() => {
        durability.afterDurable(() => sent.push("rolled back"));
        throw new Error("no");
      }),
    ).toThrow("no");
    // Not in the same turn: the fsync runs off the event loop.
    await Promise.resolve();
    expect(sent).toEqual([]);
    await durability.sync();
    expect(sent).toEqual(["one", "nested"]);
    for (let i = 0; i < 50; i += 1) {
      db.sql.exec("INSERT INTO t VALUES (?)", i);
      durability.afterDurable(() => sent.push(`write ${i}`));
    }
    await durability.sync();
    expect(sent).toHaveLength(52);
    close();
    file.close();
  });
});
