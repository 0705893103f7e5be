import { NodeDocRoom } from "./docRoom.ts";
import type { RoomEngineFactory } from "./roomHost.ts";

/** The built-in room engines on Node. Game rooms follow once their engine runs on the room core. */
export function defaultEngines(): { doc?: RoomEngineFactory; game?: RoomEngineFactory } {
  return { doc: (ports, env) => new NodeDocRoom(ports, env) };
}
