// Display formats (units in words for people; the data keeps units in names).
export function formatBytes(sizeBytes: number): string {
  if (sizeBytes < 1024) return `${sizeBytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = sizeBytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

export function formatTime(atMs: number | null): string {
  return atMs === null ? '—' : new Date(atMs).toISOString().replace('T', ' ').slice(0, 19)
}

export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id
}

/** A token amount in wei as a decimal (18 decimals, like OCEAN): 1350000000000000000 → "1.35". */
export function formatTokenAmount(wei: string, decimals = 18): string {
  if (!/^\d+$/.test(wei)) return wei
  const digits = wei.padStart(decimals + 1, '0')
  const whole = digits.slice(0, -decimals).replace(/^0+(?=\d)/, '')
  const fraction = digits.slice(-decimals).replace(/0+$/, '')
  return fraction ? `${whole}.${fraction}` : whole
}
