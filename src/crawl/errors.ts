import type { FailureReason } from "../capture/types.ts";

/** Maps a navigation error (Playwright or Chromium `net::ERR_*` text) to the contract's reason classes. */
export function classifyNavigationError(message: string): FailureReason {
  const m = message.toUpperCase();
  if (/TIMEOUT .*EXCEEDED|NAVIGATION TIMEOUT|TIMEOUTERROR/.test(m) && !m.includes("ERR_")) return "timeout";
  if (m.includes("ERR_TIMED_OUT") || m.includes("ERR_CONNECTION_TIMED_OUT")) return "timeout";
  if (m.includes("ERR_NAME_NOT_RESOLVED") || m.includes("ERR_NAME_RESOLUTION_FAILED")) return "dns";
  if (/ERR_CERT_|ERR_SSL_|ERR_BAD_SSL|ERR_CERTIFICATE/.test(m)) return "tls";
  if (m.includes("ERR_TOO_MANY_REDIRECTS")) return "too_many_redirects";
  if (m.includes("DOWNLOAD IS STARTING") || m.includes("ERR_ABORTED")) return "not_html";
  if (/ERR_BLOCKED_BY|ERR_UNSAFE_|ERR_DISALLOWED_URL_SCHEME|ERR_INVALID_URL/.test(m)) return "blocked";
  // The server answered, but with something no browser can use (bad encoding, lengths, headers).
  if (
    /ERR_CONTENT_DECODING_FAILED|ERR_CONTENT_LENGTH_MISMATCH|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_INVALID_CHUNKED_ENCODING|ERR_INVALID_HTTP_RESPONSE|ERR_RESPONSE_HEADERS_|ERR_INVALID_RESPONSE/.test(
      m,
    )
  )
    return "bad_response";
  if (
    /ERR_CONNECTION_|ERR_EMPTY_RESPONSE|ERR_ADDRESS_|ERR_TUNNEL_CONNECTION_FAILED|ERR_PROXY_|ERR_NETWORK_|ERR_INTERNET_DISCONNECTED|ERR_HTTP2_|ERR_SOCKET_/.test(
      m,
    )
  )
    return "connection";
  if (
    /TARGET (PAGE, CONTEXT OR BROWSER )?(HAS BEEN )?CLOSED|BROWSER HAS BEEN CLOSED|CRASH|DISCONNECTED/.test(m)
  )
    return "crash";
  return "error";
}

/** The `net::ERR_...` code in a message, or its first line: a short, stable detail to store. */
export function errorDetail(message: string): string {
  const code = message.match(/net::ERR_[A-Z0-9_]+/);
  if (code) return code[0];
  return (message.split("\n")[0] ?? "").slice(0, 300);
}
