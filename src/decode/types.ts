/** What a finding says a tracker received, in the contract's vocabulary. */
export type DataShared =
  | "ip_address"
  | "user_agent"
  | "page_url"
  | "referrer"
  | "page_title"
  | "unique_id"
  | "event"
  | "form_data"
  | "email"
  | "hashed_email"
  | "phone"
  | "hashed_phone"
  | "name"
  | "address"
  | "custom_data";

export type IdentifierSource = "cookie" | "storage" | "url" | "generated";

/** A persistent identifier that travelled in a request. */
export interface Identifier {
  /** The cookie or storage key that holds it, or the parameter that carried it. */
  name: string;
  source: IdentifierSource;
  value: string;
}

/** A request as decoders see it: everything is from the stored capture. */
export interface DecoderInput {
  url: URL;
  method: string;
  /** Request body as text, if any. */
  body: string | null;
  /** Request headers, lowercased names. */
  headers: Record<string, string>;
}

/** An identifier a decoder found, before it is linked to the cookie or storage key that holds it. */
export interface RawIdentifier {
  /** The parameter (or JSON path) that carried it. */
  param: string;
  value: string;
  /** The cookie that vendor keeps it in, when known (`_ttp`, `_fbp`, `_ga`). */
  cookie?: string;
}

/** What one tracking request carried, decoded by the vendor's decoder. */
export interface Beacon {
  /** Decoder id, e.g. `tiktok`, `meta`, `ga4`. */
  vendor: string;
  entity: string;
  tracker: string;
  /** `beacon` carries data; `loader` is the vendor's script being fetched (it names the pixel). */
  kind: "beacon" | "loader";
  pixelIds: string[];
  events: string[];
  pageUrl: string | null;
  referrer: string | null;
  pageTitle: string | null;
  identifiers: RawIdentifier[];
  /** Other things the request declared, in the vocabulary (hashed_email, custom_data, ...). */
  shared: DataShared[];
  /** Decoded parameters worth showing as evidence (bounded, vendor-specific names). */
  details: Record<string, string>;
}

/** A decoder's names: its id (the beacon's `vendor`), the company and the product. */
export interface DecoderNames {
  /** Stable id, used as `vendor`. */
  readonly id: string;
  readonly entity: string;
  readonly tracker: string;
}

/**
 * A request the vendor's tag really sent (from its documentation, a public test suite or a capture),
 * with what it carries: each decoder's examples are replayed by the decoder tests.
 */
export interface VendorExample {
  /** Where the request was recorded. */
  source: string;
  url: string;
  method?: string;
  body?: string;
  expect: { kind?: Beacon["kind"]; pixelIds: string[]; events: string[]; shared?: DataShared[] } | null;
}

/** One vendor's decoder: recognises its requests and reads what they carry. Lenient: formats drift. */
export interface Decoder extends DecoderNames {
  /** Requests the vendor really sent, replayed by the tests (null `expect`: the decoder must not claim it). */
  readonly examples: readonly VendorExample[];
  /**
   * What a key of its beacons means to a reader (a parameter, a detail's key, an identifier's
   * param): `ud[em]` is "email address for matching (hashed)". Null for a key it does not know.
   */
  meaningOf(key: string): string | null;
  /** Returns null when the request is not this vendor's. */
  decode(input: DecoderInput): Beacon | null;
}
