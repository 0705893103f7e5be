import { timingSafeEqual } from "node:crypto";
import * as nodeModule from "node:module";
import { MemoryCache } from "./memoryCache.ts";

/**
 * Lets the Worker's own modules load in Node: `cloudflare:workers` resolves to cloudflareWorkers.ts
 * (cloudflare-workers.js in the package), and `caches.default` is an in-memory cache. Runs before the
 * app is imported, with the Workers globals the app uses (the Node entry imports the app dynamically, after this).
 */
export function installWorkersShim(): void {
  // registerHooks arrived in Node 22.15 (node:sqlite in 22.5): say so instead of failing on a missing export.
  if (typeof nodeModule.registerHooks !== "function") {
    throw new Error(`edgeroom/node needs Node 22.15 or later (module.registerHooks, node:sqlite); this is Node ${process.versions.node}`);
  }
  if ((globalThis as { caches?: unknown }).caches === undefined) {
    Object.defineProperty(globalThis, "caches", { value: { default: new MemoryCache(), open: async () => new MemoryCache() }, configurable: true });
  }
  // Workers' constant-time comparison, which the admin API's token check uses.
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: unknown };
  if (subtle.timingSafeEqual === undefined) {
    Object.defineProperty(subtle, "timingSafeEqual", {
      value: (a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView) => timingSafeEqual(toView(a), toView(b)),
      configurable: true,
    });
  }
  const fromSource = import.meta.url.endsWith(".ts");
  const shim = new URL(fromSource ? "./cloudflareWorkers.ts" : "./cloudflare-workers.js", import.meta.url).href;
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === "cloudflare:workers") return { url: shim, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

const toView = (value: ArrayBuffer | ArrayBufferView): Uint8Array =>
  value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
