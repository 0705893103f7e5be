import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

/** Content types of the files a built page folder holds; anything else goes out as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

/**
 * A folder of static files (a built page folder), as wrangler.toml's [assets] serves demo/dist: paths
 * under /v1/ always reach the app (run_worker_first), a folder answers with its index.html, and a path
 * outside the folder (`..`, an encoded one too) is not served. Null when no file matches: the app answers.
 */
export async function serveAsset(folder: string, request: Request): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const { pathname } = new URL(request.url);
  if (pathname.startsWith("/v1/") || pathname === "/v1") return null;
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, "");
  } catch {
    return null;
  }
  if (relative.split(/[/\\]/).includes("..") || relative.includes("\0")) return null;
  let path = join(folder, relative);
  if (!path.startsWith(folder.endsWith(sep) ? folder : folder + sep) && path !== folder) return null;
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) path = join(path, "index.html");
  const body = await readFile(path).catch(() => null);
  if (!body) return null;
  const headers = { "Content-Type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream", "Content-Length": String(body.length) };
  return new Response(request.method === "HEAD" ? null : new Uint8Array(body), { headers });
}
