export * from "./closeCodes.ts";
export * from "./control.ts";
export * from "./identity.ts";
export * from "./limits.ts";
export * from "./rooms.ts";
export * from "./version.ts";
export * from "./errors.ts";
