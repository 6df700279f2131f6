import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The tab is served by FlowDeck at / and embedded in the Go binary from dist/
// (see embed.go). The output must stay within FlowDeck's Content-Security-Policy:
// no inline scripts, everything from 'self'.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    // scripts/clean-dist.mjs empties dist/ but keeps .gitkeep (see embed.go).
    emptyOutDir: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 700,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
