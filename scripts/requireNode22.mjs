// Imported first by every script that runs wrangler or vitest, so that a script started with an older
// Node (say, the system's Node 20 instead of the Node 22 this project installs) stops here with what
// to do, rather than deep inside wrangler with advice to upgrade a Node the project already has.

/** Oldest Node the tooling runs on: wrangler 4 needs 22, vitest 5 needs 22.12. */
export const MIN_TOOLING_NODE = [22, 12];

/** The message for a Node older than MIN_TOOLING_NODE, or null when this one will do. */
export function nodeVersionProblem(version = process.versions.node, execPath = process.execPath) {
  const [major, minor] = version.split(".").map(Number);
  const [wantMajor, wantMinor] = MIN_TOOLING_NODE;
  if (major > wantMajor || (major === wantMajor && minor >= wantMinor)) return null;
  return [
    `Edgeroom's scripts need Node ${wantMajor}.${wantMinor} or later (wrangler 4 requires Node 22, vitest 5 requires 22.12); this is Node v${version} (${execPath}).`,
    "Run them through npm run / npx, which use the Node 22 this project installs (node_modules/.bin/node),",
    'or put node_modules/.bin first on PATH: export PATH="$PWD/node_modules/.bin:$PATH".',
    // Shipped with the edgeroom package's edgeroom-preflight, where "this project" is the user's own.
    "A project of your own (running edgeroom-preflight) pins Node 22 the same way: npm install --save-dev node@22, as examples/starter does.",
  ].join("\n");
}

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
