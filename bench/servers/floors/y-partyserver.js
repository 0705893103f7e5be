// The same platform's Yjs peer: stock y-partyserver (YServer on partyserver), its defaults,
// no onLoad/onSave, so no durability. Rooms at /parties/y-doc/<room>. Bundled and served by
// bench/servers/floor-workerd.mjs.
import { routePartykitRequest } from "partyserver";
import { YServer } from "y-partyserver";

export class YDoc extends YServer {}

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/health") return new Response("ok");
    return (await routePartykitRequest(request, env)) ?? new Response("not found", { status: 404 });
  },
};
