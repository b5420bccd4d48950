import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The demo runs the library from source (../src), so `npm start` needs no build step.
// Build it for the browser tests with `npx vite build -c demo/vite.config.ts` (into demo/dist).
const root = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  server: { fs: { allow: [repo] } },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
