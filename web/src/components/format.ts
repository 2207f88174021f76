/** Values from the hub in words and human units. */
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 17179869184 → "16 GiB" (binary units, as memory is sold and reported). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value)} ${BYTE_UNITS[unit]}`;
}

/** At most three significant digits, but never hiding whole units: 0.0123, 1.23, 12.3, 1234. */
export function formatNumber(value: number): string {
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString(undefined, { maximumFractionDigits: Math.abs(value) < 1 && value !== 0 ? 3 : digits });
}

/** ONLINE → "Online": how the portal says an enum value. */
export function statusWord(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

/** 3140 → "3.1 s", 125000 → "2 min 5 s": how long something took. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${formatNumber(Math.max(0, ms) / 1000)} s`;
  const seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts = [hours ? `${hours} h` : '', minutes ? `${minutes} min` : '', seconds % 60 ? `${seconds % 60} s` : ''];
  return parts.filter(Boolean).join(' ');
}
