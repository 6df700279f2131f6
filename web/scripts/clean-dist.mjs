// Empties dist/ but keeps dist/.gitkeep, which lets web/embed.go's
// `//go:embed all:dist` compile on a clone where the UI is not built.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) {
  if (name !== ".gitkeep") rmSync(join(dist, name), { recursive: true, force: true });
}
writeFileSync(join(dist, ".gitkeep"), "");
