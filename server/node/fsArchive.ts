import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Keys one list call returns at most, as R2 caps it. */
const MAX_LIST_KEYS = 1000;
/** Suffixes of an object's two files; `~` is always encoded in a key's segments, so no segment ends so. */
const DATA_SUFFIX = "~obj";
const META_SUFFIX = "~meta";

interface StoredMeta {
  customMetadata?: Record<string, string>;
  httpMetadata?: Record<string, string>;
  uploaded: number;
}

/**
 * A key's segment as a file name: every byte but letters, digits, `-`, `_` and `.` percent-encoded,
 * and a segment of dots or an empty one encoded whole, so no key reaches outside the archive folder
 * (`..`, `/`, `\`, NUL all become plain characters of one name).
 */
export function segmentToName(segment: string): string {
  if (/^\.*$/.test(segment)) return [...segment].map(() => "%2E").join("") + "%";
  return encodeURIComponent(segment).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function nameToSegment(name: string): string {
  return name.endsWith("%") && /^(%2E)*%$/.test(name) ? ".".repeat((name.length - 1) / 3) : decodeURIComponent(name);
}

/** Where a key's data lives under `root`: one folder per `/`-separated segment. */
export function keyToPath(root: string, key: string): string {
  const segments = key.split("/");
  const last = segments.pop() ?? "";
  return join(root, ...segments.map(segmentToName), segmentToName(last) + DATA_SUFFIX);
}

/**
 * The archive (R2's API as the rooms and routes use it: put, get, head, list, delete) as files under
 * one folder: document versions and replays of a Node server. A put writes a temporary file and
 * renames it, so a reader never sees half an object.
 */
export class FsArchive {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  async put(key: string, value: Uint8Array | ArrayBuffer | string | ReadableStream | Blob | null, options?: { customMetadata?: Record<string, string>; httpMetadata?: Record<string, string> | Headers }) {
    const bytes = await toBytes(value);
    const path = keyToPath(this.#root, key);
    await mkdir(join(path, ".."), { recursive: true });
    const meta: StoredMeta = {
      customMetadata: options?.customMetadata,
      httpMetadata: options?.httpMetadata instanceof Headers ? undefined : options?.httpMetadata,
      uploaded: Date.now(),
    };
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, bytes);
    await writeFile(metaPath(path), JSON.stringify(meta));
    await rename(temporary, path);
    return this.#describe(key, bytes.byteLength, meta);
  }

  async head(key: string) {
    const path = keyToPath(this.#root, key);
    const size = await stat(path).then((info) => info.size, () => null);
    if (size === null) return null;
    return this.#describe(key, size, await readMeta(path));
  }

  async get(key: string) {
    const path = keyToPath(this.#root, key);
    const bytes = await readFile(path).catch(() => null);
    if (!bytes) return null;
    const data = new Uint8Array(bytes);
    return {
      ...this.#describe(key, data.byteLength, await readMeta(path)),
      body: new Blob([data]).stream(),
      bodyUsed: false,
      arrayBuffer: async () => data.slice().buffer,
      bytes: async () => data.slice(),
      text: async () => new TextDecoder().decode(data),
      json: async () => JSON.parse(new TextDecoder().decode(data)) as unknown,
      blob: async () => new Blob([data]),
    };
  }

  async delete(keys: string | string[]): Promise<void> {
    for (const key of typeof keys === "string" ? [keys] : keys) {
      const path = keyToPath(this.#root, key);
      await rm(path, { force: true });
      await rm(metaPath(path), { force: true });
    }
  }

  /** Keys in order, from `cursor` (the last key of the previous page) on. */
  async list(options: { prefix?: string; cursor?: string; limit?: number } = {}) {
    const prefix = options.prefix ?? "";
    const limit = Math.min(options.limit ?? MAX_LIST_KEYS, MAX_LIST_KEYS);
    // Start at the folder every key with this prefix lies under.
    const folders = prefix.split("/").slice(0, -1);
    const keys = (await walk(join(this.#root, ...folders.map(segmentToName)), folders)).filter((key) => key.startsWith(prefix)).sort();
    const from = options.cursor === undefined ? 0 : keys.findIndex((key) => key > options.cursor!);
    const page = from < 0 ? [] : keys.slice(from, from + limit);
    const objects = await Promise.all(page.map(async (key) => (await this.head(key))!));
    const truncated = from >= 0 && from + limit < keys.length;
    return { objects: objects.filter((object) => object !== null), truncated, delimitedPrefixes: [], ...(truncated ? { cursor: page.at(-1)! } : {}) };
  }

  #describe(key: string, size: number, meta: StoredMeta) {
    return {
      key,
      size,
      version: String(meta.uploaded),
      etag: `${meta.uploaded}-${size}`,
      httpEtag: `"${meta.uploaded}-${size}"`,
      uploaded: new Date(meta.uploaded),
      customMetadata: meta.customMetadata ?? {},
      httpMetadata: meta.httpMetadata ?? {},
      storageClass: "Standard",
      checksums: {},
      writeHttpMetadata: () => {},
    };
  }
}

const metaPath = (dataPath: string) => dataPath.slice(0, -DATA_SUFFIX.length) + META_SUFFIX;

async function readMeta(dataPath: string): Promise<StoredMeta> {
  const text = await readFile(metaPath(dataPath), "utf8").catch(() => null);
  if (text === null) return { uploaded: 0 };
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null ? (parsed as StoredMeta) : { uploaded: 0 };
}

async function walk(folder: string, segments: string[]): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const keys: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) keys.push(...(await walk(join(folder, entry.name), [...segments, nameToSegment(entry.name)])));
    else if (entry.name.endsWith(DATA_SUFFIX)) keys.push([...segments, nameToSegment(entry.name.slice(0, -DATA_SUFFIX.length))].join("/"));
  }
  return keys;
}

async function toBytes(value: Uint8Array | ArrayBuffer | string | ReadableStream | Blob | null): Promise<Uint8Array> {
  if (value === null) return new Uint8Array();
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  return new Uint8Array(await new Response(value).arrayBuffer());
}
