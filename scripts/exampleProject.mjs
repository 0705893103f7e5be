// What the out-of-repo checks (check-starter.mjs, check-react-app.mjs) share: copying an example as a user
// gets it, pointing it at the packed tarballs after checking it pins what this repo pins, and stopping the
// process groups they started.
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { projectRoot } from "./wrangler.mjs";

const root = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Signals a process group; one already gone is fine. */
export function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** The tarball `npm run pack` wrote to dist/packages whose name starts with `prefix`. */
export function packedTarball(prefix) {
  const packages = join(projectRoot, "dist/packages");
  const file = readdirSync(packages).find((name) => name.startsWith(prefix) && name.endsWith(".tgz"));
  assert(file, `npm run pack wrote no ${prefix}*.tgz to dist/packages`);
  return join(packages, file);
}

/**
 * Copies `examples/{name}` to `app` as a user copies it (without what a local run left behind, matched by
 * `leftovers`), checks it depends on `packages` at the packed version and pins every other package as this
 * repo does, and points those packages at their tarballs (`tarballPrefixes`: package -> file name prefix).
 * Returns the manifest as written; `amend` may change it first.
 */
export function installableCopy(name, app, { leftovers, tarballPrefixes, amend = () => {} }) {
  const source = join(projectRoot, "examples", name);
  cpSync(source, app, { recursive: true, filter: (path) => !leftovers.test(relative(source, path)) });
  const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
  for (const pkg of Object.keys(tarballPrefixes)) {
    assert(manifest.dependencies[pkg] === root.version, `examples/${name} depends on ${pkg}@${manifest.dependencies[pkg]}, but the packages are packed at ${root.version}`);
  }
  for (const [pkg, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    const pinned = root.dependencies[pkg] ?? root.devDependencies[pkg];
    assert(pinned === undefined || pinned === version, `examples/${name} pins ${pkg}@${version}, this repo ${pinned}: keep them together`);
  }
  for (const [pkg, prefix] of Object.entries(tarballPrefixes)) manifest.dependencies[pkg] = `file:${packedTarball(prefix)}`;
  amend(manifest);
  writeFileSync(join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
