// A structural check of JSON Schema 2020-12 (no validator is installed): each keyword of the core,
// applicator, validation, meta-data, format and content vocabularies must hold the kind of value
// the meta-schema allows, and a `$ref` must resolve inside the document. Stricter than the
// meta-schema in one way: a keyword of no vocabulary is a problem, not an annotation, because in a
// generated document it is a mistake (OpenAPI 3.0's `nullable`, which 3.1 silently ignores).

const TYPES = new Set(["null", "boolean", "object", "array", "number", "integer", "string"]);
const SCHEMA = ["items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not", "unevaluatedItems", "unevaluatedProperties", "contentSchema"];
const SCHEMA_ARRAY = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_MAP = ["properties", "patternProperties", "dependentSchemas", "$defs"];
const COUNT = ["maxLength", "minLength", "maxItems", "minItems", "maxContains", "minContains", "maxProperties", "minProperties"];
const NUMBER = ["maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"];
const STRING = ["$schema", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$comment", "title", "description", "format", "contentEncoding", "contentMediaType"];
const BOOLEAN = ["uniqueItems", "deprecated", "readOnly", "writeOnly"];
/** Keywords whose value may be any JSON, and OpenAPI 3.1's additions to the dialect. */
const ANY = ["const", "default", "example", "discriminator", "xml", "externalDocs"];
const OTHER = ["$ref", "$vocabulary", "type", "enum", "multipleOf", "pattern", "required", "dependentRequired", "examples"];
const KNOWN = new Set([...SCHEMA, ...SCHEMA_ARRAY, ...SCHEMA_MAP, ...COUNT, ...NUMBER, ...STRING, ...BOOLEAN, ...ANY, ...OTHER]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isUniqueStrings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === "string") && new Set(value).size === value.length;
const compiles = (pattern: string) => {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
};

/** Resolves a same-document reference (`#/a/b`, with `~1` for `/` and `~0` for `~`); undefined if it leads nowhere. */
function resolve(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = root;
  for (const token of ref.slice(2).split("/").map((t) => decodeURIComponent(t).replaceAll("~1", "/").replaceAll("~0", "~"))) {
    if (!isObject(at) && !Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[token];
  }
  return at;
}

/** What keeps `schema` (at `path` inside `root`) from being a JSON Schema 2020-12; empty when nothing does. */
export function jsonSchemaProblems(schema: unknown, root: unknown, path: string): string[] {
  if (typeof schema === "boolean") return [];
  if (!isObject(schema)) return [`${path}: a schema is an object or a boolean, not ${JSON.stringify(schema)}`];
  const problems: string[] = [];
  const problem = (keyword: string, rule: string) => problems.push(`${path}/${keyword}: ${rule}, not ${JSON.stringify(schema[keyword])?.slice(0, 80)}`);
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword.startsWith("x-")) continue;
    if (!KNOWN.has(keyword)) problem(keyword, "no JSON Schema 2020-12 keyword");
    else if (SCHEMA.includes(keyword)) problems.push(...jsonSchemaProblems(value, root, `${path}/${keyword}`));
    else if (SCHEMA_ARRAY.includes(keyword)) {
      if (!Array.isArray(value) || value.length === 0) problem(keyword, "a non-empty array of schemas");
      else value.forEach((item, i) => problems.push(...jsonSchemaProblems(item, root, `${path}/${keyword}/${i}`)));
    } else if (SCHEMA_MAP.includes(keyword)) {
      if (!isObject(value)) problem(keyword, "an object of schemas");
      else {
        for (const [name, item] of Object.entries(value)) {
          if (keyword === "patternProperties" && !compiles(name)) problem(keyword, `a regular expression as each name ("${name}")`);
          problems.push(...jsonSchemaProblems(item, root, `${path}/${keyword}/${name}`));
        }
      }
    } else if (COUNT.includes(keyword) && !(Number.isInteger(value) && (value as number) >= 0)) problem(keyword, "a non-negative integer");
    else if (NUMBER.includes(keyword) && typeof value !== "number") problem(keyword, "a number");
    else if (STRING.includes(keyword) && typeof value !== "string") problem(keyword, "a string");
    else if (BOOLEAN.includes(keyword) && typeof value !== "boolean") problem(keyword, "a boolean");
  }
  const { type, required, properties } = schema;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (types.length === 0 || !types.every((t) => typeof t === "string" && TYPES.has(t)) || new Set(types).size !== types.length) {
      problem("type", `one of ${[...TYPES].join(", ")}, or an array of them without repeats`);
    }
  }
  if (required !== undefined) {
    if (!isUniqueStrings(required)) problem("required", "an array of distinct strings");
    else if (isObject(properties)) {
      for (const name of required as string[]) if (!(name in properties)) problem("required", `names of declared properties ("${name}" is not one)`);
    }
  }
  if ("enum" in schema && !Array.isArray(schema.enum)) problem("enum", "an array");
  if ("examples" in schema && !Array.isArray(schema.examples)) problem("examples", "an array");
  if ("multipleOf" in schema && !(typeof schema.multipleOf === "number" && schema.multipleOf > 0)) problem("multipleOf", "a number above 0");
  if ("pattern" in schema && !(typeof schema.pattern === "string" && compiles(schema.pattern))) problem("pattern", "a regular expression");
  if ("dependentRequired" in schema && !(isObject(schema.dependentRequired) && Object.values(schema.dependentRequired).every(isUniqueStrings))) {
    problem("dependentRequired", "an object of arrays of distinct strings");
  }
  if ("$vocabulary" in schema && !(isObject(schema.$vocabulary) && Object.values(schema.$vocabulary).every((v) => typeof v === "boolean"))) {
    problem("$vocabulary", "an object of booleans");
  }
  if ("$ref" in schema) {
    if (typeof schema.$ref !== "string") problem("$ref", "a string");
    else if (resolve(root, schema.$ref) === undefined) problem("$ref", "a reference that resolves inside the document");
  }
  return problems;
}
