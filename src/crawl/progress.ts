/** Shows how a crawl is going: sites done of total, pages per minute, ETA, failures. */
export class Progress {
  private done = 0;
  private failed = 0;
  private pages = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private lastLine = 0;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream,
    private readonly mode: "tty" | "lines" | "quiet",
  ) {}

  start(): void {
    if (this.mode === "quiet") return;
    this.timer = setInterval(() => this.render(false), this.mode === "tty" ? 500 : 1000);
    this.timer.unref();
  }

  siteFinished(ok: boolean, pages: number): void {
    this.done++;
    if (!ok) this.failed++;
    this.pages += pages;
  }

  line(): string {
    const minutes = (Date.now() - this.started) / 60_000;
    const pagesPerMinute = minutes > 0 ? this.pages / minutes : 0;
    const sitesPerMinute = minutes > 0 ? this.done / minutes : 0;
    const left = this.total - this.done;
    const eta =
      sitesPerMinute > 0 && left > 0 ? formatDuration((left / sitesPerMinute) * 60) : left > 0 ? "?" : "0s";
    return `${this.done}/${this.total} sites, ${this.failed} failed, ${this.pages} pages, ${pagesPerMinute.toFixed(1)} pages/min, ETA ${eta}`;
  }

  private render(final: boolean): void {
    if (this.mode === "tty") {
      this.out.write(`\r\x1b[K${this.line()}${final ? "\n" : ""}`);
    } else if (this.mode === "lines" && (final || Date.now() - this.lastLine >= 10_000)) {
      this.lastLine = Date.now();
      this.out.write(`earshot: ${this.line()}\n`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.mode !== "quiet") this.render(true);
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
