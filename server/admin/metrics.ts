import type { DirectoryEntry } from "../../protocol/index.ts";

/**
 * The most rooms one scrape sums, the most recently active first: the sum runs in the Worker,
 * so its memory and D1 read grow with this. Past it the output says it is truncated, and the
 * `edgeroom_metrics_rooms_covered` and `edgeroom_metrics_rooms_total` gauges say by how much.
 */
export const METRICS_MAX_ROOMS = 10_000;

/**
 * Prometheus text for the whole service, summed from the room directory (each room's counters
 * are at most one report interval old). `rooms` are the rooms summed; `totalRooms` is how many
 * the directory holds.
 */
export function renderMetrics(rooms: DirectoryEntry[], totalRooms: number): string {
  const lines: string[] = [];
  if (rooms.length < totalRooms) {
    lines.push(`# edgeroom: truncated: the sums below cover the ${rooms.length} most recently active of ${totalRooms} rooms`);
  }
  const metric = (name: string, help: string, type: "gauge" | "counter", samples: [labels: Record<string, string>, value: number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const rendered = Object.entries(labels).map(([k, v]) => `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",");
      lines.push(`${name}${rendered ? `{${rendered}}` : ""} ${value}`);
    }
  };
  const sum = (pick: (room: DirectoryEntry) => number) => rooms.reduce((total, room) => total + pick(room), 0);
  const byKind = (kind: string) => rooms.filter((r) => r.kind === kind);

  metric("edgeroom_metrics_rooms_covered", "Rooms these metrics are summed over (the most recently active first).", "gauge", [[{}, rooms.length]]);
  metric("edgeroom_metrics_rooms_total", "Rooms in the directory; more than covered means the sums are truncated.", "gauge", [[{}, totalRooms]]);
  metric("edgeroom_rooms", "Rooms in the directory covered by these metrics, by kind.", "gauge", ["doc", "game"].map((kind) => [{ kind }, byKind(kind).length]));
  metric("edgeroom_connections", "Open connections, by room kind.", "gauge", ["doc", "game"].map((kind) => [{ kind }, byKind(kind).reduce((n, r) => n + r.connections, 0)]));
  metric("edgeroom_messages_in_total", "Messages received from clients.", "counter", [[{}, sum((r) => r.stats.messagesIn)]]);
  metric("edgeroom_messages_out_total", "Messages sent to clients.", "counter", [[{}, sum((r) => r.stats.messagesOut)]]);
  metric("edgeroom_bytes_in_total", "Bytes received from clients.", "counter", [[{}, sum((r) => r.stats.bytesIn)]]);
  metric("edgeroom_bytes_out_total", "Bytes sent to clients.", "counter", [[{}, sum((r) => r.stats.bytesOut)]]);
  const reasons = new Map<string, number>();
  for (const room of rooms) for (const [reason, n] of Object.entries(room.stats.refused)) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  metric("edgeroom_refused_inputs_total", "Inputs and frames refused, by reason.", "counter", [...reasons].map(([reason, n]) => [{ reason }, n]));
  metric("edgeroom_outbox_backlog", "Entries waiting in room outboxes.", "gauge", [[{}, sum((r) => r.stats.outboxBacklog)]]);
  metric("edgeroom_outbox_flush_failures_total", "Failed outbox deliveries.", "counter", [[{}, sum((r) => r.stats.flushFailures)]]);
  metric("edgeroom_tick_overruns_total", "Game ticks that took longer than their interval, or that a late tick loop dropped (more than two due at once).", "counter", [[{}, sum((r) => r.stats.tickOverruns)]]);
  return `${lines.join("\n")}\n`;
}
