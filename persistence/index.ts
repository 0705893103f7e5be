export * from "./docStore.ts";
export * from "./sqliteDocStore.ts";
export * from "./roomMeta.ts";
export * from "./gameStore.ts";
export * from "./outbox.ts";
