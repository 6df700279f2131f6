// Copies third-party browser bundles the Go side serves as they are: the
// official Adaptive Cards renderer for the dev Teams client's chat (/dev/).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
mkdirSync(join(root, "dist", "vendor"), { recursive: true });
copyFileSync(
  join(root, "node_modules", "adaptivecards", "dist", "adaptivecards.min.js"),
  join(root, "dist", "vendor", "adaptivecards.min.js"),
);
