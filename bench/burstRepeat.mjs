// `node bench/burstRepeat.mjs [edits] [runs] [system] [port]`: the burst scenario alone, run after run
// against one server, each run's figures printed on its own line (npm run bench prints only medians).
// A run whose observer does not converge or whose fresh client does not get the whole document says
// what failed on stderr (see burst in scenarios.mjs). Take /tmp/edgeroom-bench.lock around it when
// other benches may run: the ports are fixed.
import { burst } from "./scenarios.mjs";
import { SYSTEMS, stop, waitReady } from "./systems.mjs";

const [edits = "260000", runs = "5", name = "edgeroom-workerd", port = "9878"] = process.argv.slice(2);
const system = SYSTEMS[name];
if (!system) throw new Error(`no system ${name}; one of ${Object.keys(SYSTEMS).join(", ")}`);
const server = system.start(Number(port));
try {
  await waitReady(system, server, Number(port));
  for (let i = 0; i < Number(runs); i++) console.log(JSON.stringify(await burst(system, Number(port), server, { edits: Number(edits), batch: 500 })));
} finally {
  await stop(server);
}
