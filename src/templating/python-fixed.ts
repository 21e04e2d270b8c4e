// Python's fixed-point formatting ('%.1f' % x, '{:.1f}'.format(x)) rounds the double's exact
// value half to even; JavaScript's toFixed rounds an exact tie up ('%.1f' % 2.25 is 2.2 in
// Python, (2.25).toFixed(1) is 2.3).

/** x.toFixed(digits) with Python's rounding of exact ties (half to even). */
export function pyToFixed(x: number, digits: number): string {
  const up = x.toFixed(digits);
  const abs = Math.abs(x);
  if (!Number.isFinite(x) || digits >= 100) return up;
  // past 1e21 toFixed writes an exponent; such a double is a whole number
  if (abs >= 1e21) return `${BigInt(x)}${digits ? '.' + '0'.repeat(digits) : ''}`;
  // toFixed(100) is the exact decimal expansion of the double, as far as a tie can reach
  const [ip, fp = ''] = abs.toFixed(100).split('.') as [string, string];
  if (fp[digits] !== '5' || !/^0*$/.test(fp.slice(digits + 1))) return up;
  const kept = digits ? fp.slice(0, digits) : ip;
  if (Number(kept.at(-1)) % 2 !== 0) return up;
  const down = digits ? `${ip}.${kept}` : ip;
  return (x < 0 || Object.is(x, -0) ? '-' : '') + down;
}
