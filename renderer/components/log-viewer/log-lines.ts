// Splitting a log into lines as it grows: only the appended text is split, so following a 50 MB
// log at 200 lines/s does not re-split 50 MB per chunk.
import { useRef } from 'react'

export interface LogLines {
  /** Complete lines, then the unfinished last line (possibly ''). */
  lines: string[]
  textLength: number
}

/** The lines of `text`; when `text` extends `previous.text` only the new part is split. */
export function splitAppended(previous: { text: string; lines: string[] } | null, text: string): string[] {
  if (
    previous &&
    text.length >= previous.text.length &&
    previous.lines.length > 0 &&
    // The cache only ever appends; a cheap look at the seam tells an append from a new log.
    text.slice(Math.max(0, previous.text.length - 256), previous.text.length) ===
      previous.text.slice(Math.max(0, previous.text.length - 256))
  ) {
    if (text.length === previous.text.length) return previous.lines
    const lastStart = previous.text.length - previous.lines[previous.lines.length - 1]!.length
    const tail = text.slice(lastStart).split('\n')
    // slice + push, not [...a, ...b]: spreading 500,000 lines per chunk cost a frame (bench console-ui).
    const lines = previous.lines.slice(0, -1)
    for (const line of tail) lines.push(line)
    return lines
  }
  return text.split('\n')
}

export function useLogLines(text: string): string[] {
  const ref = useRef<{ text: string; lines: string[] } | null>(null)
  if (ref.current?.text !== text) ref.current = { text, lines: splitAppended(ref.current, text) }
  return ref.current.lines
}
