import { readFileSync } from "node:fs";

/** The synthetic person whose details fill forms and are searched for in requests. */
import type { Identity } from "../capture/types.ts";

export type { Identity };

/** The built-in identity: a reserved example domain and a fictional 555 number, so it leaks no real person. */
export const DEFAULT_IDENTITY: Identity = {
  email: "alex.rivera.earshot@example.com",
  phone: "+12025550143",
  firstName: "Alex",
  lastName: "Rivera",
  address: "1600 Example Avenue, Springfield, IL 62701",
};

/** Reads and checks an identity file; throws a one-line message naming the problem. */
export function loadIdentity(path: string): Identity {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(
      `--identity ${path}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
  if (typeof value !== "object" || value === null)
    throw new Error(`--identity ${path}: expected a JSON object`);
  const record = value as Record<string, unknown>;
  const identity = { ...DEFAULT_IDENTITY };
  for (const key of Object.keys(DEFAULT_IDENTITY) as Array<keyof Identity>) {
    const field = record[key];
    if (field === undefined) continue;
    if (typeof field !== "string" || field.trim() === "")
      throw new Error(`--identity ${path}: "${key}" must be a non-empty string`);
    identity[key] = field.trim();
  }
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(identity.email))
    throw new Error(`--identity ${path}: "email" is not an email address`);
  if (!/^\+[1-9]\d{6,14}$/.test(identity.phone))
    throw new Error(`--identity ${path}: "phone" must be E.164, like +12025550143`);
  return identity;
}
