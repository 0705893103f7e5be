// Loads the built SDK, and its TypeScript source, in plain Node (no TypeScript loader) and checks its public surface.
import assert from "node:assert/strict";
import * as Y from "yjs";

const sdk = await import("../client-sdk/dist/index.js");
assert.equal(typeof sdk.createClient, "function");
assert.equal(sdk.CloseCode.RATE_LIMITED, 4429);
assert.throws(() => sdk.createClient({ baseUrl: "ftp://example", getToken: () => "" }), /baseUrl must be an http: or https: URL/);
const client = sdk.createClient({ baseUrl: "http://127.0.0.1:9", getToken: () => "t", reconnect: { minDelayMs: 1000 } });
assert.throws(() => client.doc("bad id!"), /bad room id/);
const provider = client.doc("ok", { doc: new Y.Doc() });
assert.equal(provider.status, "connecting");
provider.destroy();
assert.equal(provider.status, "closed");
// The TypeScript source too runs under Node 22's type stripping, with no build step.
const source = await import("../client-sdk/index.ts");
assert.equal(typeof source.createClient, "function");
console.log(`client-sdk (dist and source) loads in Node ${process.version}`);
