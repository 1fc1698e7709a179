/**
 * Downloads a public site list, saying plainly when the network is not there: the user can then
 * fetch the file another way and pass it with `--from FILE`.
 */
export class ListDownloadError extends Error {}

const TIMEOUT_MS = 120_000;
const MAX_BYTES = 200 * 1024 * 1024;

export interface Downloaded {
  bytes: Buffer;
  url: string;
  /** The server's Last-Modified date, when it sent one. */
  lastModified: string | null;
}

export async function download(url: string, what: string): Promise<Downloaded> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "follow" });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new ListDownloadError(
      `cannot download ${what} from ${url}: ${reason} (offline? download it elsewhere and pass --from FILE)`,
    );
  }
  if (!response.ok)
    throw new ListDownloadError(`cannot download ${what} from ${url}: HTTP ${response.status}`);
  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > MAX_BYTES) throw new ListDownloadError(`${what} at ${url} is larger than ${MAX_BYTES} bytes`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES)
    throw new ListDownloadError(`${what} at ${url} is larger than ${MAX_BYTES} bytes`);
  return { bytes, url, lastModified: response.headers.get("last-modified") };
}
