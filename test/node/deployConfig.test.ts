// README "Deploying": wrangler.toml as wrangler itself reads it. A plain `wrangler deploy` (the
// default env) must not ship development tokens, and must not share production's D1 or R2.
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";

const configPath = new URL("../../wrangler.toml", import.meta.url).pathname;
const defaultEnv = unstable_readConfig({ config: configPath });
const production = unstable_readConfig({ config: configPath, env: "production" });

describe("wrangler.toml", () => {
  it("turns nothing dangerous on in the default env: no DEV_TOKENS var", () => {
    expect(Object.keys(defaultEnv.vars)).not.toContain("DEV_TOKENS");
  });

  it("never turns development tokens on in production", () => {
    expect(production.vars.DEV_TOKENS ?? "off").toBe("off");
  });

  it("gives the default env its own D1 database, under the same binding", () => {
    const [dev] = defaultEnv.d1_databases;
    const [prod] = production.d1_databases;
    expect(dev?.binding).toBe("DB");
    expect(prod?.binding).toBe("DB");
    expect(dev?.database_name).not.toBe(prod?.database_name);
    expect(dev?.database_id).not.toBe(prod?.database_id);
  });

  it("gives the default env its own R2 bucket, under the same binding", () => {
    const [dev] = defaultEnv.r2_buckets;
    const [prod] = production.r2_buckets;
    expect(dev?.binding).toBe("ARCHIVE");
    expect(prod?.binding).toBe("ARCHIVE");
    expect(dev?.bucket_name).not.toBe(prod?.bucket_name);
  });
});
