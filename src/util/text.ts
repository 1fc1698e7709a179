/** `decodeURIComponent` that gives back the text as it is when it is not valid percent-encoding. */
export function decodeUriSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The host of a URL (lowercase, as the WHATWG parser gives it), or null when it is not a URL. */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}
