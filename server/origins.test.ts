import { describe, expect, it } from "vitest";
import { isOriginAllowed, originPolicy } from "./origins.ts";

const deployed = new URL("https://rooms.example.com/v1/doc/a");
const local = new URL("http://127.0.0.1:8787/v1/doc/a");
const allowed = (origin: string, setting: string | undefined, url = deployed) => isOriginAllowed(origin, originPolicy(setting, url));

describe("origin policy", () => {
  it("matches listed origins as the URL standard writes them (case, default port, trailing slash)", () => {
    const setting = " https://App.Example.com/ , http://localhost:3000";
    expect(allowed("https://app.example.com", setting)).toBe(true);
    expect(allowed("https://app.example.com:443", setting)).toBe(true);
    expect(allowed("http://localhost:3000", setting)).toBe(true);
    expect(allowed("http://localhost:3001", setting)).toBe(false);
    expect(allowed("http://app.example.com", setting)).toBe(false);
  });

  it("never admits the opaque origin `null` or junk unless the setting is `*`", () => {
    expect(allowed("null", "https://app.example.com")).toBe(false);
    expect(allowed("null", undefined, local)).toBe(false);
    expect(allowed("not a url", undefined)).toBe(false);
    expect(allowed("https://anything.example", "*")).toBe(true);
  });

  it("an invalid entry admits nothing (fails closed)", () => {
    expect(allowed("https://app.example.com", "app.example.com")).toBe(false);
  });

  it("defaults to loopback pages on a loopback host and to the same origin elsewhere", () => {
    expect(allowed("http://localhost:5173", undefined, local)).toBe(true);
    expect(allowed("https://127.0.0.1", "", local)).toBe(true);
    expect(allowed("https://rooms.example.com", undefined, local)).toBe(false);
    expect(allowed("https://rooms.example.com", undefined)).toBe(true);
    expect(allowed("http://localhost:5173", undefined)).toBe(false);
  });
});
