/**
 * The sandbox's seccomp filter: a classic-BPF program, built here byte by byte, that bwrap loads
 * (`--seccomp FD`) just before it executes the algorithm. It answers EPERM to the syscalls an
 * algorithm never needs and that widen the attack surface (mounts, namespaces, ptrace, keyrings,
 * eBPF, kernel modules, io_uring …), ENOSYS to clone3 (its flags sit behind a pointer the filter
 * cannot read, so the C library falls back to clone, whose flags it can check), and kills the
 * process on any architecture it does not know (e.g. 32-bit syscalls on an x86_64 host).
 * Pure: no I/O. Must not import anything above the local driver.
 */

/** struct seccomp_data: nr (u32) at 0, arch (u32) at 4, instruction_pointer at 8, args[6] (u64) from 16. */
const OFFSET_NR = 0
const OFFSET_ARCH = 4
/** Low 32 bits of args[0] (both supported arches are little-endian). */
const OFFSET_ARG0_LOW = 16

const AUDIT_ARCH_X86_64 = 0xc000003e
const AUDIT_ARCH_AARCH64 = 0xc00000b7
/** x32 ABI syscalls on x86_64 carry this bit; they are refused outright. */
const X32_SYSCALL_BIT = 0x40000000

const SECCOMP_RET_KILL_PROCESS = 0x80000000
const SECCOMP_RET_ERRNO = 0x00050000
const SECCOMP_RET_ALLOW = 0x7fff0000
const EPERM = 1
const ENOSYS = 38

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
export const CLONE_NAMESPACE_FLAGS =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

/** The syscalls answered with EPERM, by name (numbers per arch below). */
export const BLOCKED_SYSCALLS = [
  'mount',
  'umount2',
  'pivot_root',
  'chroot',
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'keyctl',
  'add_key',
  'request_key',
  'bpf',
  'unshare',
  'setns',
  'perf_event_open',
  'kexec_load',
  'kexec_file_load',
  'init_module',
  'finit_module',
  'delete_module',
  'swapon',
  'swapoff',
  'reboot',
  'acct',
  'quotactl',
  'settimeofday',
  'clock_settime',
  'sethostname',
  'setdomainname',
  'open_by_handle_at',
  'userfaultfd',
  'mount_setattr',
  'move_mount',
  'open_tree',
  'fsopen',
  'fsconfig',
  'fsmount',
  'fspick',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
] as const
type BlockedSyscall = (typeof BLOCKED_SYSCALLS)[number]

interface ArchTable {
  auditArch: number
  numbers: Record<BlockedSyscall | 'clone' | 'clone3', number>
}

/** From <asm/unistd_64.h> (x86_64) and <asm-generic/unistd.h> (aarch64). */
export const ARCHES: Record<'x86_64' | 'aarch64', ArchTable> = {
  x86_64: {
    auditArch: AUDIT_ARCH_X86_64,
    numbers: {
      mount: 165,
      umount2: 166,
      pivot_root: 155,
      chroot: 161,
      ptrace: 101,
      process_vm_readv: 310,
      process_vm_writev: 311,
      keyctl: 250,
      add_key: 248,
      request_key: 249,
      bpf: 321,
      unshare: 272,
      setns: 308,
      perf_event_open: 298,
      kexec_load: 246,
      kexec_file_load: 320,
      init_module: 175,
      finit_module: 313,
      delete_module: 176,
      swapon: 167,
      swapoff: 168,
      reboot: 169,
      acct: 163,
      quotactl: 179,
      settimeofday: 164,
      clock_settime: 227,
      sethostname: 170,
      setdomainname: 171,
      open_by_handle_at: 304,
      userfaultfd: 323,
      mount_setattr: 442,
      move_mount: 429,
      open_tree: 428,
      fsopen: 430,
      fsconfig: 431,
      fsmount: 432,
      fspick: 433,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      clone: 56,
      clone3: 435,
    },
  },
  aarch64: {
    auditArch: AUDIT_ARCH_AARCH64,
    numbers: {
      mount: 40,
      umount2: 39,
      pivot_root: 41,
      chroot: 51,
      ptrace: 117,
      process_vm_readv: 270,
      process_vm_writev: 271,
      keyctl: 219,
      add_key: 217,
      request_key: 218,
      bpf: 280,
      unshare: 97,
      setns: 268,
      perf_event_open: 241,
      kexec_load: 104,
      kexec_file_load: 294,
      init_module: 105,
      finit_module: 273,
      delete_module: 106,
      swapon: 224,
      swapoff: 225,
      reboot: 142,
      acct: 89,
      quotactl: 60,
      settimeofday: 170,
      clock_settime: 112,
      sethostname: 161,
      setdomainname: 162,
      open_by_handle_at: 265,
      userfaultfd: 282,
      mount_setattr: 442,
      move_mount: 429,
      open_tree: 428,
      fsopen: 430,
      fsconfig: 431,
      fsmount: 432,
      fspick: 433,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      clone: 220,
      clone3: 435,
    },
  },
}

// Classic BPF opcodes (linux/filter.h).
const LD_W_ABS = 0x20
const JEQ_K = 0x15
const JGE_K = 0x35
const JSET_K = 0x45
const RET_K = 0x06

type Label = string
/** One instruction; jump targets are labels until assembled. */
type Insn =
  | { op: 'ld'; offset: number }
  | { op: 'jeq' | 'jge' | 'jset'; k: number; jt: Label | 0; jf: Label | 0 }
  | { op: 'ret'; k: number }
  | { op: 'label'; name: Label }

function archBlock(name: string, table: ArchTable): Insn[] {
  const errno = `${name}:eperm`
  const block: Insn[] = [
    { op: 'label', name },
    { op: 'ld', offset: OFFSET_NR },
  ]
  if (table.auditArch === AUDIT_ARCH_X86_64) block.push({ op: 'jge', k: X32_SYSCALL_BIT, jt: 'kill', jf: 0 })
  for (const syscall of BLOCKED_SYSCALLS)
    block.push({ op: 'jeq', k: table.numbers[syscall], jt: errno, jf: 0 })
  block.push(
    { op: 'jeq', k: table.numbers.clone3, jt: 'enosys', jf: 0 },
    { op: 'jeq', k: table.numbers.clone, jt: `${name}:clone`, jf: 'allow' },
    { op: 'label', name: `${name}:clone` },
    { op: 'ld', offset: OFFSET_ARG0_LOW },
    { op: 'jset', k: CLONE_NAMESPACE_FLAGS, jt: errno, jf: 'allow' },
    { op: 'label', name: errno },
    { op: 'ret', k: SECCOMP_RET_ERRNO | EPERM },
  )
  return block
}

/** The program as bwrap reads it: an array of struct sock_filter (8 bytes each, host order). */
export function buildSeccompProgram(): Buffer {
  const program: Insn[] = [
    { op: 'ld', offset: OFFSET_ARCH },
    { op: 'jeq', k: AUDIT_ARCH_X86_64, jt: 'x86_64', jf: 0 },
    { op: 'jeq', k: AUDIT_ARCH_AARCH64, jt: 'aarch64', jf: 'kill' },
    ...archBlock('x86_64', ARCHES.x86_64),
    ...archBlock('aarch64', ARCHES.aarch64),
    { op: 'label', name: 'enosys' },
    { op: 'ret', k: SECCOMP_RET_ERRNO | ENOSYS },
    { op: 'label', name: 'allow' },
    { op: 'ret', k: SECCOMP_RET_ALLOW },
    { op: 'label', name: 'kill' },
    { op: 'ret', k: SECCOMP_RET_KILL_PROCESS },
  ]
  return assemble(program)
}

function assemble(program: Insn[]): Buffer {
  const positions = new Map<Label, number>()
  const code: Exclude<Insn, { op: 'label' }>[] = []
  for (const insn of program) {
    if (insn.op === 'label') positions.set(insn.name, code.length)
    else code.push(insn)
  }
  const out = Buffer.alloc(code.length * 8)
  code.forEach((insn, index) => {
    const at = index * 8
    const jump = (target: Label | 0): number => {
      if (target === 0) return 0
      const to = positions.get(target)
      if (to === undefined) throw new Error(`seccomp: unknown label ${target}`)
      const offset = to - index - 1
      // Classic BPF jumps are forward only and fit in a byte.
      if (offset < 0 || offset > 255) throw new Error(`seccomp: jump to ${target} out of range`)
      return offset
    }
    if (insn.op === 'ld') {
      out.writeUInt16LE(LD_W_ABS, at)
      out.writeUInt32LE(insn.offset, at + 4)
    } else if (insn.op === 'ret') {
      out.writeUInt16LE(RET_K, at)
      out.writeUInt32LE(insn.k >>> 0, at + 4)
    } else {
      out.writeUInt16LE(insn.op === 'jeq' ? JEQ_K : insn.op === 'jge' ? JGE_K : JSET_K, at)
      out.writeUInt8(jump(insn.jt), at + 2)
      out.writeUInt8(jump(insn.jf), at + 3)
      out.writeUInt32LE(insn.k >>> 0, at + 4)
    }
  })
  return out
}
