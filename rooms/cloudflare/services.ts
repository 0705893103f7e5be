import { D1RoomDirectory } from "../../persistence/index.ts";
import { maxConnectionsPerSub } from "../admission.ts";
import type { RoomServices } from "../engine/services.ts";
import { EventDelivery, eventDestinations } from "../events.ts";
import { takeToken } from "../RateLimiter.ts";

/** The services of a room in Cloudflare, all from `env`: D1's directory, the RateLimiter DO, the webhook variables. */
export function cloudflareServices(env: Env): RoomServices {
  return {
    deliverDirectoryReport: (report) => new D1RoomDirectory(env.DB).apply(report),
    removeFromDirectory: (room, at) => new D1RoomDirectory(env.DB).remove(room, at),
    eventDestinations: (type) => eventDestinations(type, env),
    eventDelivery: () => new EventDelivery(env),
    takeRoomCreationToken: (sub) => takeToken(env, "room-creation", sub),
    maxConnectionsPerSub: (roomName) => maxConnectionsPerSub(env, roomName),
  };
}
