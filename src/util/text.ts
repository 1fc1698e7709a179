/** `decodeURIComponent` that gives back the text as it is when it is not valid percent-encoding. */
export function decodeUriSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
