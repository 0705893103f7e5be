// README: WebSocket compression is declined (`no_web_socket_compression` in wrangler.toml). Inside
// workerd the upgrade answer shows it: without the flag a client offering permessage-deflate gets a
// Sec-WebSocket-Extensions header back. (Under `wrangler dev` the local entry worker in front of
// this Worker negotiates compression on its own, so an e2e test could not see the flag.)
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, TestSocket, devToken } from "./helpers.ts";

const OFFER = "permessage-deflate; client_max_window_bits";

async function upgradeOfferingDeflate(path: string, role: string): Promise<Response> {
  const token = await devToken({ sub: "squeezer", room: "*", role });
  return exports.default.fetch(`${BASE}/v1/${path}?token=${token}`, {
    headers: { Upgrade: "websocket", "Sec-WebSocket-Extensions": OFFER },
  });
}

describe("WebSocket compression is declined", () => {
  it.each([
    ["a document room", "doc/deflate-offered", "editor"],
    ["a game room", "game/arena/deflate-offered", "player"],
  ])("%s accepts the socket without permessage-deflate", async (_kind, path, role) => {
    const response = await upgradeOfferingDeflate(path, role);
    expect(response.status).toBe(101);
    expect(response.headers.get("Sec-WebSocket-Extensions")).toBeNull();
    new TestSocket(response.webSocket!).close();
  });
});
