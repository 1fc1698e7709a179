/** Every size limit applied to crawled data, in one place so they can be reasoned about together. */
export const LIMITS = {
  /** Request bodies kept whole up to this many characters (trackers rarely send more). */
  postBody: 1024 * 1024,
  headerValue: 8192,
  headersPerMessage: 100,
  url: 16 * 1024,
  title: 1000,
  cookieValue: 4096,
  cookiesPerPage: 1000,
  storageValue: 4096,
  storageKeysPerFrame: 500,
  requestsPerPage: 10_000,
  webSocketFramesPerSocket: 200,
  webSocketFramePayload: 4096,
  eventsPerPage: 200,
  linksConsidered: 2000,
  errorText: 500,
  pageText: 8000,
  headings: 60,
  headingText: 200,
  /** Scripts whose fingerprintable API use is recorded, per document. */
  fingerprintScripts: 50,
  /** What one collector without a table of its own keeps of a page, as JSON characters. */
  collectedBytes: 256 * 1024,
  /** HTML kept as a page's evidence, in characters. */
  evidenceHtml: 2 * 1024 * 1024,
} as const;
