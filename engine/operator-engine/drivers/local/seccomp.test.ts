import { describe, expect, it } from 'vitest'
import { ARCHES, BLOCKED_SYSCALLS, buildSeccompProgram } from './seccomp'

const ALLOW = 0x7fff0000
const EPERM = 0x00050001
const ENOSYS = 0x00050026
const KILL = 0x80000000

/** A classic-BPF interpreter for the four instructions the filter uses, over a seccomp_data. */
function evaluate(program: Buffer, arch: number, nr: number, arg0 = 0): number {
  const data = Buffer.alloc(64)
  data.writeUInt32LE(nr, 0)
  data.writeUInt32LE(arch, 4)
  data.writeUInt32LE(arg0 >>> 0, 16)
  let a = 0
  for (let pc = 0; pc * 8 < program.length;) {
    const code = program.readUInt16LE(pc * 8)
    const jt = program.readUInt8(pc * 8 + 2)
    const jf = program.readUInt8(pc * 8 + 3)
    const k = program.readUInt32LE(pc * 8 + 4)
    if (code === 0x20) a = data.readUInt32LE(k)
    else if (code === 0x06) return k
    else if (code === 0x15) pc += a === k ? jt : jf
    else if (code === 0x35) pc += a >= k ? jt : jf
    else if (code === 0x45) pc += (a & k) !== 0 ? jt : jf
    else throw new Error(`unexpected opcode ${code}`)
    pc++
  }
  throw new Error('fell off the end of the program')
}

describe('the seccomp program', () => {
  const program = buildSeccompProgram()

  it.each(Object.entries(ARCHES))('on %s answers EPERM to every blocked syscall', (_name, table) => {
    for (const syscall of BLOCKED_SYSCALLS)
      expect(evaluate(program, table.auditArch, table.numbers[syscall]), syscall).toBe(EPERM)
  })

  it.each(Object.entries(ARCHES))(
    'on %s allows ordinary syscalls (read, write, openat, fork)',
    (name, table) => {
      const ordinary = name === 'x86_64' ? [0, 1, 257, 57, 59, 231] : [63, 64, 56, 221, 94]
      for (const nr of ordinary) expect(evaluate(program, table.auditArch, nr), String(nr)).toBe(ALLOW)
    },
  )

  it.each(Object.entries(ARCHES))(
    'on %s refuses clone into a namespace, allows a plain clone, ENOSYS for clone3',
    (_n, table) => {
      expect(evaluate(program, table.auditArch, table.numbers.clone, 0x10000000 | 17)).toBe(EPERM)
      expect(evaluate(program, table.auditArch, table.numbers.clone, 0x00020000)).toBe(EPERM)
      expect(evaluate(program, table.auditArch, table.numbers.clone, 0x003d0f00)).toBe(ALLOW)
      expect(evaluate(program, table.auditArch, table.numbers.clone3)).toBe(ENOSYS)
    },
  )

  it('kills on an architecture it does not know (i386 on x86_64) and on x32 syscalls', () => {
    expect(evaluate(program, 0x40000003, 0)).toBe(KILL)
    expect(evaluate(program, 0xc000003e, 0x40000000 | 1)).toBe(KILL)
  })
})
