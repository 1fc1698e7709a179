declare module "chrome-har" {
  /** chrome-har's writer: DevTools protocol events in, a HAR out. */
  export function harFromMessages(
    messages: Array<{ method: string; params: unknown }>,
    options?: { includeTextFromResponseBody?: boolean; includeResourcesFromDiskCache?: boolean },
  ): unknown;
}
