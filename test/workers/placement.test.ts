// README "Placement": a new room gets a location hint from ?region= or else the first user's
// continent; the room records it, and later hints are ignored. auth.test.ts ("records the region
// of the first connection and keeps it") holds ?region= for document rooms; this file holds the
// continent, and that the hint reaches the Durable Object namespace, where Cloudflare acts on it.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../server/app.ts";
import { BASE, TestSocket, devToken } from "./helpers.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";
import { gameRoomObjectName } from "../../protocol/rooms.ts";

/** A socket request as it reaches the Worker from a user on `continent` (request.cf.continent). */
async function socketRequest(path: string, continent: string, query = ""): Promise<Request> {
  const token = await devToken({ sub: "traveller", room: "*", role: path.startsWith("doc/") ? "editor" : "player" });
  // RequestInit's `cf` is typed for outgoing requests; an incoming one carries the visitor's continent.
  const cf = { continent } as RequestInit["cf"];
  return new Request(`${BASE}/v1/${path}?token=${token}${query}`, { headers: { Upgrade: "websocket" }, cf });
}

/** Connects through the Worker with `target` as its bindings. */
async function connect(request: Request, target: Env = env): Promise<TestSocket> {
  const response = await app.fetch(request, target);
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return new TestSocket(response.webSocket);
}

const docHint = (roomId: string) =>
  runInDurableObject(env.DocRoom.getByName(roomId), (room) => room.describe().locationHint);

/** The bindings, with DocRoom and GameRoom recording the options each stub was asked for with. */
function recordingEnv(): { target: Env; hints: (string | undefined)[] } {
  const hints: (string | undefined)[] = [];
  const recording = <T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>) =>
    ({
      getByName: (name: string, options?: DurableObjectNamespaceGetDurableObjectOptions) => {
        hints.push(options?.locationHint);
        return namespace.getByName(name, options);
      },
    }) as DurableObjectNamespace<T>;
  return { target: { ...env, DocRoom: recording(env.DocRoom), GameRoom: recording(env.GameRoom) }, hints };
}

describe("placement from the first user's continent", () => {
  it("a new document room without ?region= records the first user's continent, Europe as weur", async () => {
    const socket = await connect(await socketRequest("doc/placed-eu", "EU"));
    expect(await docHint("placed-eu")).toBe("weur");
    socket.close();
  });

  it("a later user from another continent does not move the room", async () => {
    const first = await connect(await socketRequest("doc/placed-twice", "EU"));
    const second = await connect(await socketRequest("doc/placed-twice", "AS"));
    expect(await docHint("placed-twice")).toBe("weur");
    first.close();
    second.close();
  });

  it("?region= wins over the continent", async () => {
    const socket = await connect(await socketRequest("doc/placed-asked", "EU", "&region=apac"));
    expect(await docHint("placed-asked")).toBe("apac");
    socket.close();
  });

  it("a game room records the first player's continent too, Asia as apac", async () => {
    const socket = await connect(await socketRequest("game/arena/placed-as", "AS"));
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    await socket.control("welcome");
    const hint = await runInDurableObject(env.GameRoom.getByName(gameRoomObjectName("arena", "placed-as")), (room) => room.describe().locationHint);
    expect(hint).toBe("apac");
    socket.close();
  });
});

describe("the hint reaches the Durable Object namespace", () => {
  it("the document room's stub is asked for with the continent's hint", async () => {
    const { target, hints } = recordingEnv();
    const socket = await connect(await socketRequest("doc/hinted-eu", "EU"), target);
    expect(hints).toEqual(["weur"]);
    socket.close();
  });

  it("the game room's stub is asked for with ?region=", async () => {
    const { target, hints } = recordingEnv();
    const socket = await connect(await socketRequest("game/arena/hinted-oc", "EU", "&region=oc"), target);
    expect(hints).toEqual(["oc"]);
    socket.close();
  });
});
