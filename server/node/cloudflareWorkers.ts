/**
 * `cloudflare:workers` as the Node adapter provides it: the Worker's modules (and partyserver's)
 * import this module by that name, and installWorkersShim() resolves the name here. It holds what
 * those modules read at load time: the base classes and `env`, which the Node server fills before
 * it loads the app. No room that runs on Node relies on anything more from these classes.
 */

/** The bindings and variables, as `import { env } from "cloudflare:workers"` sees them. */
export const env: Record<string, unknown> = {};

export class DurableObject<E = unknown> {
  protected ctx: DurableObjectState;
  protected env: E;
  constructor(ctx: DurableObjectState, env: E) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class WorkerEntrypoint<E = unknown> {
  protected ctx: ExecutionContext;
  protected env: E;
  constructor(ctx: ExecutionContext, env: E) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class RpcTarget {}
