export * from "./docStore.ts";
export * from "./sqliteDocStore.ts";
export * from "./roomMeta.ts";
