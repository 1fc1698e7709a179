import { addUnique, detail, hostIs, identify, newBeacon, parseJson, share } from "./params.ts";
import type { Beacon, Decoder, DecoderInput, VendorExample } from "./types.ts";

/**
 * What tells one session-replay service's requests apart: its hosts, the path of its recorder
 * script, the path its recordings are sent to, and where the project (and the visitor) are named.
 * A recording request carries the event `session_recording`; whatever was typed into the page may
 * travel in it, which the leak search then finds (and marks as key-logged when sent before submit).
 */
export interface RecorderShape {
  hosts: string[];
  loader: RegExp;
  data: RegExp;
  /** The site's project, organisation or counter ID. */
  project(url: URL, body: unknown): string | null | undefined;
  /** Where the visitor's ID is sent (the parameter, or the path in the body), and the cookie the service keeps it in. */
  visitor?: { param: string; cookie?: string; value(url: URL, body: unknown): string | null | undefined };
}

/** A session-replay service's decoder, from its shape and its recorded requests (replayed by the tests). */
export function sessionRecorder(
  names: { id: string; entity: string; tracker: string },
  shape: RecorderShape,
  examples: VendorExample[],
): Decoder {
  return {
    ...names,
    examples,
    // A recording request keeps two keys: its size, and the visitor's ID under the service's name.
    meaningOf: (key) =>
      key === "bodyLength"
        ? "the size of the recording sent (what the visitor did and typed on the page)"
        : key === shape.visitor?.param
          ? `${names.entity}'s ID for this visitor`
          : null,
    decode(input: DecoderInput): Beacon | null {
      const { url } = input;
      if (!hostIs(url, ...shape.hosts)) return null;
      const isLoader = shape.loader.test(url.pathname);
      if (!isLoader && !shape.data.test(url.pathname)) return null;
      const body = parseJson(input.body);
      const beacon = newBeacon(this, isLoader ? "loader" : "beacon");
      addUnique(beacon.pixelIds, shape.project(url, body) ?? null);
      if (isLoader) return beacon;
      addUnique(beacon.events, "session_recording");
      const visitor = shape.visitor;
      if (visitor) identify(beacon, visitor.param, visitor.value(url, body), visitor.cookie);
      share(beacon, "custom_data");
      detail(beacon, "bodyLength", String(input.body?.length ?? 0));
      return beacon;
    },
  };
}
