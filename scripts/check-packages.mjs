// What users install is tested the way they install it: packs the packages (npm run pack), installs the
// tarballs with npm into a new project in the system's temp folder (outside this repo, so nothing resolves
// through the repo's node_modules), writes a Worker with a game of its own, and checks there that
// `tsc --noEmit` passes for the Worker and for pages typed from that game (one of them a React page using
// @edgeroom/react), that the browser-safe entries load in plain Node, and that `wrangler deploy --dry-run` bundles the Worker.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { offlineEnv, projectRoot } from "./wrangler.mjs";

const root = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));
const env = { ...process.env, ...offlineEnv };
const run = (command, args, cwd) => execFileSync(command, args, { cwd, env, stdio: "inherit" });

run(process.execPath, [join(projectRoot, "scripts/pack.mjs")], projectRoot);
const packages = join(projectRoot, "dist/packages");
const tarball = (prefix) => join(packages, readdirSync(packages).find((file) => file.startsWith(prefix) && file.endsWith(".tgz")));

const app = mkdtempSync(join(tmpdir(), "edgeroom-user-"));
console.log(`check-packages: a user's project in ${app}`);
const write = (file, text) => {
  mkdirSync(dirname(join(app, file)), { recursive: true });
  writeFileSync(join(app, file), text);
};

write("package.json", JSON.stringify({
  name: "edgeroom-user",
  private: true,
  type: "module",
  dependencies: {
    edgeroom: `file:${tarball("edgeroom-0")}`,
    "@edgeroom/client": `file:${tarball("edgeroom-client-")}`,
    "@edgeroom/react": `file:${tarball("edgeroom-react-")}`,
    // The app's own React, which @edgeroom/react takes as a peer (react-dom is the app's business, not needed here).
    react: root.devDependencies.react,
    // The app's own copies, which the client takes as peers.
    yjs: root.dependencies.yjs,
    "y-protocols": root.dependencies["y-protocols"],
    lib0: root.dependencies.lib0,
    zod: root.dependencies.zod,
  },
  devDependencies: {
    typescript: root.devDependencies.typescript,
    "@cloudflare/workers-types": root.devDependencies["@cloudflare/workers-types"],
    "@types/react": root.devDependencies["@types/react"],
  },
}, null, 2));

write("src/clicker.ts", `import { z } from "zod";
import { defineGame } from "edgeroom/game";

/** First to 10 clicks wins. */
export const clicker = defineGame({
  name: "clicker",
  version: "1.0.0",
  input: z.object({ type: z.literal("click") }),
  maxPlayers: 4,
  tickRateHz: 10,
  setup: (): { clicks: Record<string, number> } => ({ clicks: {} }),
  onJoin: (state, id) => void (state.clicks[id] ??= 0),
  onLeave: (state, id) => void delete state.clicks[id],
  onInput: (state, id) => void (state.clicks[id] = (state.clicks[id] ?? 0) + 1),
  onTick: () => {},
  view: (state) => state,
  result: (state) => {
    const winners = Object.keys(state.clicks).filter((id) => state.clicks[id]! >= 10);
    return { isOver: winners.length > 0, scores: state.clicks, winners };
  },
  boards: [{ name: "wins", operator: "incr", order: "desc", period: "all", score: (r, id) => (r.winners.includes(id) ? 1 : null) }],
});
`);

write("src/worker.ts", `import { createEdgeroom, type EdgeroomIdentity } from "edgeroom";
import { clicker } from "./clicker.ts";

export { DocRoom, GameRoom, Matchmaker, RateLimiter } from "edgeroom";

const edgeroom = createEdgeroom({
  games: [clicker],
  origins: ["https://play.example.com"],
  limits: { maxConnectionsPerSub: 3 },
  auth: {
    async authorize(request): Promise<EdgeroomIdentity | null> {
      return request.headers.get("Cookie")?.includes("session=") ? { sub: "someone", role: "player" } : null;
    },
  },
});

export default { fetch: edgeroom.fetch } satisfies ExportedHandler<Env>;
`);

write("src/page.ts", `import { createClient } from "@edgeroom/client";
import type { InputOf, ViewOf } from "edgeroom/game";
import type { clicker } from "./clicker.ts";

const client = createClient({ baseUrl: "https://rooms.example.com", getToken: async () => "token" });
const game = await client.joinOrCreate<typeof clicker>("clicker");
game.send({ type: "click" });
// @ts-expect-error the page is typed from the user's own game: this input is not one of its inputs
game.send({ type: "klick" });
const input: InputOf<typeof clicker> = { type: "click" };
const view: ViewOf<typeof clicker> = { clicks: { a: 1 } };
export { input, view };
`);

write("src/reactPage.tsx", `import { createClient } from "@edgeroom/client";
import { EdgeroomProvider, useDoc, useGame, useLeaderboard, useMyPresence, useOthers } from "@edgeroom/react";
import type { clicker } from "./clicker.ts";

const client = createClient({ baseUrl: "https://rooms.example.com", getToken: async () => "token" });

function Notes() {
  const { doc, provider, status } = useDoc("notes-1");
  const others = useOthers<{ typing: boolean }>(provider, (raw) => (typeof raw.typing === "boolean" ? { typing: raw.typing } : null));
  const [me, setMe] = useMyPresence<{ typing: boolean }>(provider);
  const saved: boolean = status === "saved";
  return <p onClick={() => setMe({ typing: !me.typing })}>{saved ? "saved" : status} {doc.getText("body").length} {others.map((p) => p.name + String(p.state?.typing)).join()}</p>;
}

function Clicker() {
  const { view, send, rttMs } = useGame<typeof clicker>("clicker", { match: "quick" });
  const { entries } = useLeaderboard("clicker.wins", { limit: 5 });
  // @ts-expect-error the hook is typed from the user's own game: this input is not one of its inputs
  send({ type: "klick" });
  return <button onClick={() => send({ type: "click" })}>{Object.keys(view?.clicks ?? {}).length} {rttMs} {entries.length}</button>;
}

export const app = <EdgeroomProvider client={client}><Notes /><Clicker /></EdgeroomProvider>;
`);

const strict = { target: "ES2023", module: "ESNext", moduleResolution: "bundler", strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true };
write("tsconfig.json", JSON.stringify({ compilerOptions: { ...strict, lib: ["ES2023"], types: ["@cloudflare/workers-types"] }, include: ["src/worker.ts", "src/clicker.ts", "worker-configuration.d.ts"] }));
write("tsconfig.page.json", JSON.stringify({ compilerOptions: { ...strict, lib: ["ES2023", "DOM"], types: [], jsx: "react-jsx" }, include: ["src/page.ts", "src/reactPage.tsx"] }));

write("wrangler.toml", `name = "edgeroom-user"
main = "src/worker.ts"
compatibility_date = "2026-10-20"
compatibility_flags = ["nodejs_compat"]

[[durable_objects.bindings]]
name = "DocRoom"
class_name = "DocRoom"
[[durable_objects.bindings]]
name = "GameRoom"
class_name = "GameRoom"
[[durable_objects.bindings]]
name = "Matchmaker"
class_name = "Matchmaker"
[[durable_objects.bindings]]
name = "RateLimiter"
class_name = "RateLimiter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["DocRoom", "GameRoom", "Matchmaker", "RateLimiter"]

[[r2_buckets]]
binding = "ARCHIVE"
bucket_name = "edgeroom-user-archive"

[[d1_databases]]
binding = "DB"
database_name = "edgeroom-user"
database_id = "00000000-0000-0000-0000-000000000000"
`);

const wrangler = [join(projectRoot, "node_modules/wrangler/bin/wrangler.js")];
try {
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], app);
  execFileSync(process.execPath, [...wrangler, "types", "--include-runtime=false"], { cwd: app, env, stdio: ["ignore", "ignore", "inherit"] });
  run("npx", ["tsc", "--noEmit", "-p", "tsconfig.json"], app);
  run("npx", ["tsc", "--noEmit", "-p", "tsconfig.page.json"], app);
  // The entries a page or a backend imports load in plain Node; `edgeroom` itself needs workerd (cloudflare:workers).
  run(process.execPath, ["--input-type=module", "-e", `
    import assert from "node:assert/strict";
    const game = await import("edgeroom/game");
    const definition = { name: "x" };
    assert.equal(game.defineGame(definition), definition);
    assert.equal((await import("edgeroom/protocol")).CloseCode.RATE_LIMITED, 4429);
    assert.equal(typeof (await import("@edgeroom/client")).createClient, "function");
    const react = await import("@edgeroom/react");
    for (const hook of ["EdgeroomProvider", "useClient", "useDoc", "useOthers", "useMyPresence", "useGame", "useLeaderboard"]) assert.equal(typeof react[hook], "function", hook);
    const { exports } = JSON.parse((await import("node:fs")).readFileSync("node_modules/edgeroom/package.json", "utf8"));
    if (exports["./token"]) assert.equal(typeof (await import("edgeroom/token")).createToken, "function");
    const webhook = await import("edgeroom/webhook");
    const signed = await webhook.signWebhook("{}", "x".repeat(32), Math.floor(Date.now() / 1000));
    assert.equal((await webhook.verifyWebhook("{}", signed, "x".repeat(32))).ok, true);
    console.log("check-packages: edgeroom/game, edgeroom/protocol, edgeroom/token, edgeroom/webhook, @edgeroom/client and @edgeroom/react load in Node " + process.version);
  `], app);
  run(process.execPath, [...wrangler, "deploy", "--dry-run", "--outdir", "bundle"], app);
  const bundle = readFileSync(join(app, "bundle/worker.js"), "utf8");
  if (!bundle.includes(`name: "clicker"`) || !/GameRoom = class extends/.test(bundle)) throw new Error("the dry-run bundle lacks the user's game or the rooms");
  rmSync(app, { recursive: true, force: true });
  console.log("check-packages: the tarballs install, type-check, load and bundle in a project of their own");
} catch (error) {
  console.error(`check-packages failed; the project is left in ${app}`);
  throw error;
}
