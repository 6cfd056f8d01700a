// Splitting a log into lines as it grows: only the appended parts are split, so following a 50 MB
// log at 200 lines/s neither re-splits nor re-reads 50 MB per chunk (the parts are never joined).

import { useRef } from 'react'

/**
 * The lines of `chunks` joined: complete lines, then the unfinished last line (possibly '').
 * When `chunks` extends `previous.chunks` (same parts, more after) only the new parts are split.
 */
export function splitAppended(
  previous: { chunks: readonly string[]; lines: string[] } | null,
  chunks: readonly string[],
): string[] {
  const before = previous?.chunks
  if (
    previous &&
    before &&
    before.length > 0 &&
    chunks.length >= before.length &&
    chunks[before.length - 1] === before[before.length - 1] &&
    chunks[0] === before[0]
  ) {
    if (chunks.length === before.length) return previous.lines
    const tail = (previous.lines[previous.lines.length - 1]! + chunks.slice(before.length).join('')).split(
      '\n',
    )
    // slice + push, not [...a, ...b]: spreading 500,000 lines per chunk cost a frame (bench console-ui).
    const lines = previous.lines.slice(0, -1)
    for (const line of tail) lines.push(line)
    return lines
  }
  return chunks.join('').split('\n')
}

export function useLogLines(chunks: readonly string[]): string[] {
  const ref = useRef<{ chunks: readonly string[]; lines: string[] } | null>(null)
  if (ref.current?.chunks !== chunks) ref.current = { chunks, lines: splitAppended(ref.current, chunks) }
  return ref.current.lines
}
