import { defineConfig } from "vitest/config";

/**
 * Two tiers, by folder: `test/unit/` needs no browser, database or built CLI and runs in seconds
 * (`npm run test:unit`); `test/*.test.ts` crawls the fixture web in Chromium, serves, forks the CLI
 * or talks to PostgreSQL. `npm test` runs the unit tier first, so a mistake fails early.
 */
export default defineConfig({
  test: {
    // Browser tests are heavy on a 2-core machine: run files one or two at a time, with room to finish.
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "browser", include: ["test/*.test.ts"] } },
    ],
  },
});
