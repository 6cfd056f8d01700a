// Prices in token units as the publisher types them ("0.1", "2.5"), kept exact. The contract
// stores an environment price as a number (Ocean's wire format); the engine turns that number
// into wei from its shortest decimal text (0.1 → 10^17 wei exactly). So a typed amount is only
// accepted when that text reads back as the very same decimal: no float ever rounds it.

/** The shortest decimal text of a number, never in exponent form (1e-7 → "0.0000001"). */
export function decimalText(value: number): string {
  const text = String(value)
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (!m) return text
  const [, sign, lead, rest = '', exp] = m
  const digits = lead! + rest
  const point = 1 + Number(exp)
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** "007.50" → "7.5"; "0.000" → "0". */
function canonical(text: string): string {
  const [whole = '0', fraction = ''] = text.split('.')
  const w = whole.replace(/^0+(?=\d)/, '')
  const f = fraction.replace(/0+$/, '')
  return f ? `${w}.${f}` : w
}

export type TokenUnitsParse = { ok: true; value: number } | { ok: false; message: string }

/** A non-negative amount of tokens, at most `decimals` places, stored exactly as a number. */
export function parseTokenUnits(input: string, decimals = 18): TokenUnitsParse {
  const text = input.trim().replace(',', '.')
  if (text === '') return { ok: false, message: 'Enter an amount, such as 0.5 (0 for no charge).' }
  if (!/^\d+(\.\d+)?$/.test(text))
    return { ok: false, message: 'A number of tokens such as 0.5, with a dot for decimals.' }
  const places = (text.split('.')[1] ?? '').replace(/0+$/, '').length
  if (places > decimals)
    return { ok: false, message: `At most ${decimals} decimals: the token has no smaller unit.` }
  const value = Number(text)
  if (!Number.isFinite(value) || canonical(decimalText(value)) !== canonical(text))
    return {
      ok: false,
      message: 'Too many digits to keep exactly (at most 15 significant digits); round it.',
    }
  return { ok: true, value }
}

/** The exact wei (10^-decimals units) of a typed amount, for "costs … per hour" previews. */
export function tokenUnitsToWei(text: string, decimals = 18): bigint {
  const [whole = '0', fraction = ''] = canonical(text.trim()).split('.')
  return (
    BigInt(whole) * 10n ** BigInt(decimals) +
    BigInt((fraction + '0'.repeat(decimals)).slice(0, decimals) || '0')
  )
}
