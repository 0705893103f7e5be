// What a started server holds outside its sockets: its process tree's memory, and for Edgeroom
// its rooms' SQLite files (which also tell, from outside, which rooms are loaded).
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";

/** The pids of a process and its descendants. */
export function treePids(rootPid) {
  const parentOf = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, "utf8");
      parentOf.set(Number(name), Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const pids = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    pids.push(pid);
    for (const [child, ppid] of parentOf) if (ppid === pid) stack.push(child);
  }
  return pids;
}

/** Resident memory of each process in a tree, by pid, with a short name. */
export function treeRssByProcess(rootPid) {
  const out = new Map();
  for (const pid of treePids(rootPid)) {
    try {
      const rss = Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      // workerd runs twice under wrangler dev (the Worker's runtime and a proxy): tell them apart by their entry socket.
      const entry = args.find((a) => a.startsWith("--socket-addr=entry="))?.slice("--socket-addr=".length) ?? "";
      out.set(pid, { name: `${args.map((a) => a.split("/").at(-1)).slice(0, 3).join(" ").slice(0, 50)} ${entry}`.trim(), rss });
    } catch {}
  }
  return out;
}

/** How each process of the tree grew between two readings, in KiB per unit, largest first. */
export function growthByProcess(before, after, units) {
  return [...after]
    .map(([pid, { name, rss }]) => ({ pid, name, kibPerUnit: (rss - (before.get(pid)?.rss ?? 0)) / 1024 / units }))
    .filter((p) => Math.abs(p.kibPerUnit) >= 0.5)
    .sort((a, b) => b.kibPerUnit - a.kibPerUnit);
}

/**
 * Edgeroom's `--persist-to` directory, read from the command line systems.mjs spawned
 * (`server.persistTo` if systems.mjs sets it).
 */
export function persistDirOf(server) {
  if (server.persistTo) return server.persistTo;
  const args = server.spawnargs ?? [];
  const i = args.indexOf("--persist-to");
  return i >= 0 ? args[i + 1] : null;
}

export const docRoomDirs = new WeakMap();
/**
 * Where the server keeps its DocRoom Durable Objects' SQLite files: `<persist>/v3/do/<worker>-DocRoom`
 * under `wrangler dev --persist-to`, else wherever its processes have a room's database open
 * (Miniflare puts them in a temporary directory unless told otherwise). Null until a room was loaded.
 */
export function docRoomDir(server) {
  if (docRoomDirs.has(server)) return docRoomDirs.get(server);
  let dir = null;
  const persistDir = persistDirOf(server);
  try {
    const doDir = join(persistDir, "v3", "do");
    const name = readdirSync(doDir).find((n) => n.endsWith("-DocRoom"));
    if (name) dir = join(doDir, name);
  } catch {}
  for (const pid of dir ? [] : treePids(server.pid)) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {}
    for (const fd of fds) {
      try {
        const match = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^(.*\/do\/[^/]+-DocRoom)\//);
        if (match) dir = match[1];
      } catch {}
    }
  }
  if (dir) docRoomDirs.set(server, dir);
  return dir;
}

/**
 * The DocRoom Durable Objects' SQLite files, name to size. workerd keeps a `-wal` file beside
 * a room's database while the room is loaded and removes it when it evicts the room, so `-wal`
 * files count the rooms in memory, from outside and without waking any.
 */
export function docRoomFiles(dir) {
  const files = new Map();
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {}
  for (const name of names) {
    if (name.startsWith("metadata")) continue;
    try {
      files.set(name, statSync(join(dir, name)).size);
    } catch {}
  }
  return files;
}

/** Bytes of every file under a directory. */
export function directoryBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    try {
      total += statSync(join(entry.parentPath, entry.name)).size;
    } catch {}
  }
  return total;
}
