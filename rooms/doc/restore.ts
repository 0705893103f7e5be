import * as Y from "yjs";

/**
 * Makes `doc` look like `old` with ordinary edits, so a restore is one more update that every
 * client merges, and history is never rewritten. Top-level Y.Text (with formatting), Y.Map and
 * Y.Array are restored; types a snapshot cannot tell apart (XML fragments) are refused.
 */
export function restoreInto(doc: Y.Doc, old: Y.Doc, origin: unknown): void {
  const names = new Set([...doc.share.keys(), ...old.share.keys()]);
  const kinds = new Map<string, TypeKind>();
  for (const name of names) {
    const kind = kindOf(old, name) ?? kindOf(doc, name);
    if (kind === "unsupported") throw new RestoreError(`cannot restore "${name}": only Y.Text, Y.Map and Y.Array are supported`);
    if (kind) kinds.set(name, kind);
  }
  doc.transact(() => {
    for (const [name, kind] of kinds) {
      if (kind === "text") {
        const text = doc.getText(name);
        text.delete(0, text.length);
        text.applyDelta(old.getText(name).toDelta());
      } else if (kind === "map") {
        const map = doc.getMap(name);
        const before = old.getMap(name).toJSON();
        for (const key of [...map.keys()]) if (!(key in before)) map.delete(key);
        for (const [key, value] of Object.entries(before)) {
          if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) map.set(key, value);
        }
      } else {
        const array = doc.getArray(name);
        array.delete(0, array.length);
        array.insert(0, old.getArray(name).toJSON());
      }
    }
  }, origin);
}

export class RestoreError extends Error {}

type TypeKind = "text" | "map" | "array" | "unsupported";

/** The document's top-level types as JSON, for operators: text as strings, maps and arrays as JSON, XML as markup. */
export function renderDocument(doc: Y.Doc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of doc.share.keys()) {
    const kind = kindOf(doc, name);
    if (kind === "text") out[name] = doc.getText(name).toString();
    else if (kind === "map") out[name] = doc.getMap(name).toJSON();
    else if (kind === "array") out[name] = doc.getArray(name).toJSON();
    else if (kind === "unsupported") out[name] = doc.getXmlFragment(name).toString();
  }
  return out;
}

/** What a top-level type is, read from its content (a snapshot does not record the class). */
function kindOf(doc: Y.Doc, name: string): TypeKind | null {
  const type = doc.share.get(name);
  if (!type) return null;
  if (type instanceof Y.Text) return "text";
  if (type instanceof Y.Map) return "map";
  if (type instanceof Y.Array) return "array";
  if (type instanceof Y.XmlFragment) return "unsupported";
  if (type._map.size > 0) return "map";
  for (let item = type._start; item !== null; item = item.right) {
    const content = item.content;
    if (content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentEmbed) return "text";
    if (content instanceof Y.ContentType) return "unsupported";
    if (!item.deleted) return "array";
  }
  return null;
}
