/**
 * A short, readable summary of a User-Agent header, for the list of a user's sessions: "Firefox on
 * Linux", "python-requests 2.32.3". Only a summary is stored: it is enough to tell one's devices
 * apart, and a full header would be a fingerprint kept for no reason.
 */

const MAX_LENGTH = 60;
const UNKNOWN = 'Unknown device';

// Order matters: Edge and Opera say Chrome too, and Chrome says Safari.
const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//u, 'Edge'],
  [/\b(?:OPR|Opera)\//u, 'Opera'],
  [/\b(?:Firefox|FxiOS)\//u, 'Firefox'],
  [/\b(?:Chrome|CriOS|Chromium)\//u, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//u, 'Safari'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/u, 'iOS'],
  [/\bAndroid\b/u, 'Android'],
  [/\bCrOS\b/u, 'ChromeOS'],
  [/\bWindows\b/u, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/u, 'macOS'],
  [/\bLinux\b/u, 'Linux'],
];

function firstMatch(header: string, table: readonly [RegExp, string][]): string | undefined {
  return table.find(([pattern]) => pattern.test(header))?.[1];
}

export function summariseUserAgent(header: string | undefined): string {
  // Printable ASCII only: the summary is shown in pages and logs, and headers are the caller's.
  const clean = (header ?? '').replace(/[^\x20-\x7e]/gu, '').trim();
  if (clean === '') return UNKNOWN;
  const browser = firstMatch(clean, BROWSERS);
  if (browser !== undefined) {
    const system = firstMatch(clean, SYSTEMS);
    return system === undefined ? browser : `${browser} on ${system}`;
  }
  // Not a browser (curl, python-requests, an SDK): its first product and version.
  const [product = UNKNOWN] = clean.split(/\s+/u);
  return product.replace('/', ' ').slice(0, MAX_LENGTH);
}
