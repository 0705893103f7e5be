import { describe, expect, it } from "vitest";
import { RoomLimits } from "../protocol/index.ts";
import { admissionRefusal, connectionsPerSub, type AdmissionPolicy, type Occupant } from "./occupancy.ts";

const docPolicy: AdmissionPolicy = { maxPerSub: 2, counts: "all", capacity: 10, capacityName: "connections", reservedSlots: 3, priorityRole: "editor" };
const gamePolicy: AdmissionPolicy = { ...docPolicy, counts: "waiting", capacityName: "connections waiting for hello", priorityRole: "player" };
const occupants = (n: number, make: (i: number) => Partial<Occupant> = () => ({})): Occupant[] =>
  Array.from({ length: n }, (_, i) => ({ sub: `u${i}`, role: "viewer", waitingSince: null, ...make(i) }));

describe("admissionRefusal", () => {
  it("refuses a sub's connection past its share with 4429, before looking at the room", () => {
    const others = occupants(9, (i) => (i < 2 ? { sub: "me" } : {}));
    expect(admissionRefusal(others, { sub: "me", role: "editor" }, docPolicy)).toEqual({ code: 4429, reason: "you hold 2 connections to this room already" });
    expect(admissionRefusal(occupants(1, () => ({ sub: "me" })), { sub: "me", role: "editor" }, docPolicy)).toBeNull();
  });

  it("keeps the last reserved slots for the priority role, and refuses everyone at capacity", () => {
    expect(admissionRefusal(occupants(6), { sub: "v", role: "viewer" }, docPolicy)).toBeNull();
    expect(admissionRefusal(occupants(7), { sub: "v", role: "viewer" }, docPolicy)).toEqual({
      code: 4409,
      reason: "room is full for viewers: the last 3 of 10 connections are kept for editors",
    });
    expect(admissionRefusal(occupants(9), { sub: "e", role: "editor" }, docPolicy)).toBeNull();
    expect(admissionRefusal(occupants(10), { sub: "e", role: "editor" }, docPolicy)).toEqual({ code: 4409, reason: "room is full (10 connections)" });
  });

  it("counts only waiting connections when the policy says so", () => {
    const welcomed = occupants(50);
    const waiting = occupants(10, (i) => ({ sub: `w${i}`, waitingSince: 1 }));
    expect(admissionRefusal(welcomed, { sub: "p", role: "player" }, gamePolicy)).toBeNull();
    expect(admissionRefusal([...welcomed, ...waiting], { sub: "p", role: "player" }, gamePolicy)?.code).toBe(4409);
  });
});

describe("connectionsPerSub (MAX_CONNECTIONS_PER_SUB)", () => {
  it("is the default when unset, the value when a positive integer, and the default (flagged) otherwise", () => {
    const fallback = { value: RoomLimits.MAX_CONNECTIONS_PER_SUB, isValid: false };
    expect(connectionsPerSub(undefined)).toEqual({ value: RoomLimits.MAX_CONNECTIONS_PER_SUB, isValid: true });
    expect(connectionsPerSub("")).toEqual({ value: RoomLimits.MAX_CONNECTIONS_PER_SUB, isValid: true });
    expect(connectionsPerSub("50")).toEqual({ value: 50, isValid: true });
    for (const bad of ["0", "-1", "2.5", "many"]) expect(connectionsPerSub(bad)).toEqual(fallback);
  });
});
