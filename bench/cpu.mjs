// CPU seconds of a process and its descendants, from /proc (Linux).
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

export function treeCpuSeconds(rootPid) {
  const children = new Map();
  const ticks = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (!s) continue;
    ticks.set(Number(name), s.ticks);
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(Number(name));
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / TICKS_PER_SECOND;
}

/** Resident memory of a process tree, in bytes. */
export function treeRssBytes(rootPid) {
  let total = 0;
  const stack = [rootPid];
  const all = readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
  const parent = new Map(all.map((pid) => [pid, stat(pid)?.ppid]));
  while (stack.length) {
    const pid = stack.pop();
    try {
      const rss = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
      if (rss) total += Number(rss[1]) * 1024;
    } catch {}
    for (const [child, ppid] of parent) if (ppid === pid) stack.push(child);
  }
  return total;
}
