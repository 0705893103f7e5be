import type { RoomEngineFactory } from "./roomHost.ts";

/** The built-in room engines on Node; filled in as the runtime-free engines land. */
export function defaultEngines(): { doc?: RoomEngineFactory; game?: RoomEngineFactory } {
  return {};
}
