/** Sizes as messages write them. */

/** "64 MiB", "12.3 MiB": one decimal, none for a whole number. */
export function mib(bytes: number): string {
  const value = bytes / 1024 / 1024;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MiB`;
}

/** "2.5 MiB (2621440 bytes)", "1.2 KiB (1234 bytes)", "512 bytes": a measured size, exact and readable. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / 1024 / 1024, 'MiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit} (${bytes} bytes)`;
}

/** "1,234,567 bytes". Not toLocaleString: its first call loads ICU's number formats, about 10 ms of every run. */
export function byteCount(bytes: number): string {
  return `${String(bytes).replace(/\B(?=(\d{3})+$)/g, ',')} bytes`;
}
