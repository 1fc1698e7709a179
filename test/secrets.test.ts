import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureWeb } from "../src/fixture-web/server.ts";
import { page, snippets, vendorSites } from "../src/fixture-web/vendors.ts";
import { redactSecrets } from "../src/util/redact.ts";
import { runEarshot, startWeb, tempDir } from "./helpers.ts";
import { freshDatabase } from "./postgres.ts";

const SECRET = "Sup3rSecretPw";

describe("a database password stays secret", () => {
  let web: FixtureWeb;
  let db: { url: string; drop: () => Promise<void> };
  let withPassword: string;

  beforeAll(async () => {
    web = await startWeb([
      ...vendorSites(),
      {
        host: "www.secret-keeper.test",
        routes: { "/": page("Keeper", "<h1>keeper</h1>", snippets.tiktok("C4SECRET01")) },
      },
    ]);
    db = await freshDatabase("secrets");
    // The test server trusts local connections, so any password is accepted, and must be hidden.
    const url = new URL(db.url);
    url.password = SECRET;
    withPassword = url.toString();
  });

  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  it("redacts user:password@ in any connection string, and password= parameters", () => {
    expect(redactSecrets(`cannot open postgres://earshot:${SECRET}@db.internal:5432/census`)).toBe(
      "cannot open postgres://earshot:***@db.internal:5432/census",
    );
    expect(redactSecrets(`postgresql://db/census?user=e&password=${SECRET}&ssl=1`)).toBe(
      "postgresql://db/census?user=e&password=***&ssl=1",
    );
    expect(redactSecrets("postgres://earshot@db.internal/census")).toBe(
      "postgres://earshot@db.internal/census",
    );
  });

  it("never shows it in progress, status, exports, the report or the crawl's metadata", async () => {
    const out = tempDir();
    const outputs: string[] = [];
    const run = async (args: string[], env?: Record<string, string>) => {
      const r = await runEarshot(args, { env });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const crawl = await run([
      "crawl",
      "www.secret-keeper.test",
      "--db",
      withPassword,
      "--proxy",
      web.proxyUrl,
      "--ignore-https-errors",
      "--pages-per-site",
      "1",
      "--dwell",
      "1",
    ]);
    expect(crawl.code, crawl.stderr).toBe(0);
    expect(crawl.stderr).toContain(":***@");
    expect((await run(["status", "--db", withPassword])).code).toBe(0);
    expect((await run(["status", "--db", withPassword, "--json"])).code).toBe(0);
    for (const table of ["sites", "pages", "requests", "findings"])
      expect((await run(["export", withPassword, "--table", table])).code).toBe(0);
    const report = join(out, "report.html");
    expect((await run(["report", withPassword, "-o", report])).code).toBe(0);
    outputs.push(readFileSync(report, "utf8"));
    // A server that refuses: the error names the database, not its password.
    const refused = await run(["status", "--db", withPassword.replace(/:\d+\//, ":1/")]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/\*\*\*/);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const tables = await client.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    for (const { table_schema, table_name } of tables.rows as Array<Record<string, string>>) {
      const rows = await client.query(`SELECT * FROM "${table_schema}"."${table_name}"`);
      outputs.push(JSON.stringify(rows.rows));
    }
    await client.end();
    expect(outputs.join("\n").length).toBeGreaterThan(1000);
    for (const text of outputs) expect(text).not.toContain(SECRET);
  }, 120_000);

  it("takes the connection from PGHOST, PGUSER, PGPASSWORD and PGDATABASE as psql does", async () => {
    const url = new URL(db.url);
    const r = await runEarshot(["status", "--db", "postgres://", "--json"], {
      env: {
        PGHOST: url.hostname,
        PGPORT: url.port || "5432",
        PGUSER: decodeURIComponent(url.username),
        PGPASSWORD: SECRET,
        PGDATABASE: url.pathname.slice(1),
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { sites: { total: number } }).sites.total).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  }, 60_000);
});
