import { NodeDocRoom } from "./docRoom.ts";
import { NodeGameRoom } from "./gameRoom.ts";
import type { RoomEngineFactory } from "./roomHost.ts";

/** The built-in room engines on Node: the same document and game engines the Durable Objects run. */
export function defaultEngines(): { doc?: RoomEngineFactory; game?: RoomEngineFactory } {
  return { doc: (ports, env) => new NodeDocRoom(ports, env), game: (ports, env) => new NodeGameRoom(ports, env) };
}
