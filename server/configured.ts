import type { AuthorizeHook } from "./edgeroomConfig.ts";

/**
 * What createEdgeroom's config sets for the Worker's edge: the `authorize` hook and the allowed
 * origins. Set once at the top level of the Worker module, before any request.
 */
let authorizeHook: AuthorizeHook | undefined;
/** The config's origins as ALLOWED_ORIGINS would spell them (comma-separated), so one parser reads both. */
let allowedOrigins: string | undefined;

/** Only createEdgeroom calls this, with a checked config. */
export function configureEdge(config: { authorize?: AuthorizeHook | undefined; origins?: readonly string[] | undefined }): void {
  authorizeHook = config.authorize;
  allowedOrigins = config.origins?.join(",");
}

/** The user's authorize hook, which replaces the JWT check, if the config has one. */
export function configuredAuthorize(): AuthorizeHook | undefined {
  return authorizeHook;
}

/** The config's origins, which win over the ALLOWED_ORIGINS var; undefined when the config has none. */
export function configuredOrigins(): string | undefined {
  return allowedOrigins;
}
