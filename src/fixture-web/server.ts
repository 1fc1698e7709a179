import * as mockttp from "mockttp";

/** A request as the fixture web received it. */
export interface FixtureRequest {
  method: string;
  url: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface FixtureResponse {
  status?: number;
  /** A list of values sends the header once per value. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Send the body exactly as given, even where the headers say it is encoded (a broken server). */
  raw?: boolean;
  /** Answer after this long. */
  delayMs?: number;
  /** Never answer (until the fixture web stops). */
  hang?: boolean;
  /** Reset the connection instead of answering. */
  reset?: boolean;
}

export type FixtureHandler = (request: FixtureRequest) => FixtureResponse | Promise<FixtureResponse>;

/** What a path answers: HTML text, a full response, or a function of the request. */
export type FixtureRoute = string | FixtureResponse | FixtureHandler;

/** One fake site: a hostname and its paths (`*` answers any path not listed). */
export interface FixtureSite {
  host: string;
  routes: Record<string, FixtureRoute>;
}

/**
 * A web of fake sites with real-looking hostnames, served by one local HTTP(S) proxy. A browser
 * started with `--proxy-server=<proxyUrl> --ignore-certificate-errors` sees them as the internet.
 * It also records every request it answered, so a test can compare the crawl with what was sent.
 */
export class FixtureWeb {
  private server: mockttp.Mockttp | null = null;
  private readonly sites = new Map<string, FixtureSite>();
  private readonly hung: Array<() => void> = [];
  readonly log: FixtureRequest[] = [];

  constructor(sites: FixtureSite[]) {
    for (const site of sites) this.addSite(site);
  }

  addSite(site: FixtureSite): void {
    const existing = this.sites.get(site.host);
    if (existing) Object.assign(existing.routes, site.routes);
    else this.sites.set(site.host, { host: site.host, routes: { ...site.routes } });
  }

  get hosts(): string[] {
    return [...this.sites.keys()];
  }

  async start(): Promise<void> {
    // Certificates for every host are minted on the fly from a CA made for this run.
    const ca = await mockttp.generateCACertificate({
      subject: { commonName: "Earshot fixture web CA" },
      bits: 2048,
    });
    const server = mockttp.getLocal({ https: ca, recordTraffic: false });
    await server.start();
    await server.forAnyWebSocket().thenEcho();
    await server.forAnyRequest().thenCallback((request) => this.answer(request));
    this.server = server;
  }

  get proxyUrl(): string {
    if (!this.server) throw new Error("fixture web not started");
    return `http://127.0.0.1:${this.server.port}`;
  }

  async stop(): Promise<void> {
    for (const release of this.hung.splice(0)) release();
    await this.server?.stop();
    this.server = null;
  }

  private async answer(
    request: mockttp.CompletedRequest,
  ): Promise<mockttp.requestSteps.CallbackResponseResult> {
    const url = new URL(request.url);
    const body = (await request.body.getText()) ?? "";
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const fixtureRequest: FixtureRequest = {
      method: request.method,
      url: url.href,
      host: url.hostname,
      path: url.pathname,
      headers,
      body,
    };
    this.log.push(fixtureRequest);
    const site = this.sites.get(url.hostname);
    if (!site) return { statusCode: 502, body: `fixture web: no site ${url.hostname}` };
    const route = site.routes[url.pathname] ?? site.routes["*"];
    if (route === undefined)
      return { statusCode: 404, headers: { "content-type": "text/html" }, body: "<title>Not found</title>" };
    const response: FixtureResponse =
      typeof route === "string"
        ? { body: route }
        : typeof route === "function"
          ? await route(fixtureRequest)
          : route;
    if (response.hang) {
      await new Promise<void>((resolve) => this.hung.push(resolve));
      return "close";
    }
    if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    if (response.reset) return "reset";
    const isHtml = typeof route === "string";
    return {
      statusCode: response.status ?? 200,
      headers: {
        "content-type": isHtml ? "text/html; charset=utf-8" : "text/plain",
        ...(response.headers ?? {}),
      },
      ...(response.raw ? { rawBody: Buffer.from(response.body ?? "") } : { body: response.body ?? "" }),
    };
  }
}
