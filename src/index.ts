// openrouter-connect: the React layer plus everything in openrouter-connect/core.
// Client modules carry their own 'use client'; this file only re-exports.
export * from "./core/index.js";
export * from "./react/index.js";
