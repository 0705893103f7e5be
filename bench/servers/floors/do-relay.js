// The platform's floor for a room: a Durable Object that relays every frame, unread, to the
// room's other sockets. Hibernation API, no parsing, no storage: whatever Edgeroom costs above
// this is Edgeroom's own. Bundled and served by bench/servers/floor-workerd.mjs.
import { DurableObject } from "cloudflare:workers";

export class Relay extends DurableObject {
  fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(socket, message) {
    for (const other of this.ctx.getWebSockets()) {
      if (other === socket) continue;
      try {
        other.send(message);
      } catch {
        // A socket closing under us: the relay has no one to tell.
      }
    }
  }

  webSocketClose(socket, code) {
    try {
      socket.close(code === 1005 ? 1000 : code, "");
    } catch {
      // Already closed (newer compatibility dates answer the close themselves).
    }
  }
}

export default {
  /** `/health` for the bench's readiness probe; `/<room>` upgrades to that room's relay. */
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return new Response("ok");
    if (request.headers.get("Upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    return env.Relay.get(env.Relay.idFromName(pathname.slice(1))).fetch(request);
  },
};
