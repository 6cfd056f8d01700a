/**
 * The Kubernetes publish step's programs, run through exec in the publish pod (busybox: `sh`,
 * `find`, `stat`, `awk`, `timeout`, `tar`; GNU's tools behave the same for what is used here), and
 * the console-side filter of the archive they send. The same rules as the local driver's publishing
 * (issue 13): only regular files, directories and symlinks (kept as links) are published; FIFOs,
 * sockets and devices are skipped and named in publish.log; sizes are measured by apparent size and
 * by allocated blocks before anything is packed; packing has a timeout.
 *
 * Two execs, so the console decides between them: the scan (names of special files, both sizes),
 * then, if the outputs may be published, the pack. tar never opens a FIFO or device (it writes a
 * header only) and ignores sockets; the entries it writes for them are dropped by `TarEntryFilter`
 * as the archive arrives, so outputs.tar holds only files, folders and links whatever the image's
 * tar can exclude (Debian's busybox has no -X/-T).
 */

/** Exit code of the scan when /data/outputs is missing (nothing to publish). */
export const SCAN_NO_OUTPUTS_EXIT = 3

/**
 * NUL-separated records on stdout: `type:<kind>` followed by the paths of that kind (each starts
 * with `outputs/`, so never with `type:`), then `sizes:<apparent> <allocated>` (bytes of the regular
 * files: st_size, and st_blocks × the block size stat reports). NUL-separated because a hostile name
 * may hold a line break.
 */
export function scanScript(dataDir = '/data'): string {
  return [
    `cd '${dataDir}' 2>/dev/null && [ -d outputs ] || exit ${SCAN_NO_OUTPUTS_EXIT}`,
    'for t in "p:fifo" "s:socket" "c:character device" "b:block device"; do',
    '  printf "type:%s\\000" "${t#*:}"',
    '  find outputs -type "${t%%:*}" -print0 || exit 4',
    'done',
    "sizes=$(find outputs -type f -exec stat -c '%s %b %B' {} + | awk '{ a += $1; b += $2 * $3 } END { printf \"%.0f %.0f\", a, b }') || exit 5",
    'printf "sizes:%s\\000" "$sizes"',
  ].join('\n')
}

/** The pack: tar of /data/outputs on stdout, links not followed, killed in the pod after `timeoutSec`. */
export function packCommand(timeoutSec: number, dataDir = '/data'): string[] {
  const seconds = String(Math.max(1, Math.ceil(timeoutSec)))
  return ['timeout', '-s', 'KILL', seconds, 'tar', 'cf', '-', '-C', dataDir, 'outputs']
}

export interface OutputsScan {
  apparentBytes: number
  allocatedBytes: number
  skipped: Array<{ path: string; type: string }>
}

/** Reads the scan's stdout; undefined when it is not what scanScript prints. */
export function parseScan(stdout: Buffer): OutputsScan | undefined {
  const records = stdout.toString('utf8').split('\0')
  const scan: OutputsScan = { apparentBytes: 0, allocatedBytes: 0, skipped: [] }
  let type: string | undefined
  let sized = false
  for (const record of records) {
    if (record === '') continue
    if (record.startsWith('type:')) type = record.slice(5)
    else if (record.startsWith('sizes:')) {
      const [apparent, allocated] = record.slice(6).trim().split(/\s+/).map(Number)
      if (!Number.isFinite(apparent) || !Number.isFinite(allocated)) return undefined
      scan.apparentBytes = apparent!
      scan.allocatedBytes = allocated!
      sized = true
    } else if (type) scan.skipped.push({ path: printable(record), type })
    else return undefined
  }
  return sized ? scan : undefined
}

/** A path as it may appear in a log line: control characters (a forged log line) become `?`. */
function printable(path: string): string {
  return path.replace(/[\u0000-\u001f\u007f]/g, '?')
}

/** Entry types kept: regular files (0, NUL, 7 contiguous), hard links (1), symlinks (2), directories (5). */
const KEPT_TYPES = new Set(['0', '\0', '7', '1', '2', '5'])
/** Headers that describe the next entry (GNU long name/link, pax extended): kept or dropped with it. */
const PREFIX_TYPES = new Set(['L', 'K', 'x'])
/** Headers that stand alone (pax global). */
const GLOBAL_TYPES = new Set(['g'])

function entrySize(header: Buffer): number {
  const field = header.subarray(124, 136)
  if (field[0]! & 0x80) {
    // GNU base-256: big-endian in the remaining bytes.
    let value = 0
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!
    return value
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim()
  return text ? parseInt(text, 8) : 0
}

/**
 * Streams a tar archive through, dropping every entry that is not a file, folder or link (with
 * the long-name or pax headers that belong to it). Synchronous per chunk: `push` returns the bytes
 * to write now, so the caller's backpressure and byte counting stay as they are.
 */
export class TarEntryFilter {
  private pending: Buffer = Buffer.alloc(0)
  /** Headers (with their data) held until the entry they describe decides whether they are kept. */
  private prefix: Buffer[] = []
  /** Data bytes left in the current entry (padded to 512), and what becomes of them. */
  private dataLeft = 0
  private dataMode: 'write' | 'hold' | 'drop' = 'write'
  private ended = false
  /** Types of the entries dropped (for the log), e.g. "fifo". */
  readonly dropped: string[] = []

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = []
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    let at = 0
    for (;;) {
      if (this.ended) {
        // After the end-of-archive blocks: tar's zero padding, passed through.
        out.push(this.pending.subarray(at))
        at = this.pending.length
        break
      }
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, this.pending.length - at)
        if (n === 0) break
        const data = this.pending.subarray(at, at + n)
        if (this.dataMode === 'write') out.push(data)
        else if (this.dataMode === 'hold') this.prefix.push(Buffer.from(data))
        this.dataLeft -= n
        at += n
        continue
      }
      if (this.pending.length - at < 512) break
      const header = this.pending.subarray(at, at + 512)
      at += 512
      const padded = Math.ceil(entrySize(header) / 512) * 512
      if (header.every((b) => b === 0)) {
        this.ended = true
        out.push(...this.prefix.splice(0), header)
        continue
      }
      const type = String.fromCharCode(header[156]!)
      if (PREFIX_TYPES.has(type)) {
        this.prefix.push(Buffer.from(header))
        this.dataLeft = padded
        this.dataMode = 'hold'
        continue
      }
      const keep = KEPT_TYPES.has(type) || GLOBAL_TYPES.has(type)
      if (keep) out.push(...this.prefix.splice(0), header)
      else {
        this.prefix = []
        this.dropped.push(TYPE_NAMES[type] ?? `type ${JSON.stringify(type)}`)
      }
      this.dataLeft = padded
      this.dataMode = keep ? 'write' : 'drop'
    }
    this.pending = Buffer.from(this.pending.subarray(at))
    return out.length === 1 ? out[0]! : Buffer.concat(out)
  }
}

const TYPE_NAMES: Record<string, string> = {
  '3': 'character device',
  '4': 'block device',
  '6': 'fifo',
}
