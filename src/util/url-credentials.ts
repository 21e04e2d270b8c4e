// Credentials written into URLs (https://user:pass@host/) must be sent, never shown.

/** scheme://user:password@ in any text (a URL's userinfo); the password is group 2. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s/?#@]+)@/gi;

/** Hide the password of every URL in the text (`https://user:********@host/`). */
export function maskUrlCredentials(text: string): string {
  return text.includes('://') ? text.replace(URL_CREDENTIALS, '$1********@') : text;
}

/** A URL without its userinfo, and the decoded user and password it held (fetch refuses URLs with credentials). */
export function splitUrlCredentials(raw: string): { url: string; username?: string; password?: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { url: raw };
  }
  if (!u.username && !u.password) return { url: raw };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), username, password };
}
