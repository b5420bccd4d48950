// openrouter-connect: the React layer plus everything in openrouter-connect/core.
export * from "./core/index.js";
