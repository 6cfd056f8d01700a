/**
 * PATCH bodies for the API double: JSON merge patch (RFC 7386), strategic merge patch treated as a
 * merge patch (lists are replaced, not merged by key — a documented simplification), and JSON
 * patch (RFC 6902) add/replace/remove/test. Returns the patched copy or throws PatchError (422).
 */

export class PatchError extends Error {}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {}
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key]
    else out[key] = mergePatch(out[key], value)
  }
  return out
}

interface JsonPatchOp {
  op: string
  path: string
  value?: unknown
}

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${path}`)
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations')
  const doc = structuredClone(target) as Record<string, unknown>
  for (const op of ops as JsonPatchOp[]) {
    const keys = pointer(op.path)
    const last = keys.pop()!
    let parent: unknown = doc
    for (const key of keys) {
      parent = (parent as Record<string, unknown> | undefined)?.[key]
      if (parent === undefined || parent === null) throw new PatchError(`path ${op.path} does not exist`)
    }
    const container = parent as Record<string, unknown> & unknown[]
    if (op.op === 'test') {
      if (JSON.stringify(container[last as never]) !== JSON.stringify(op.value))
        throw new PatchError(`test failed at ${op.path}`)
    } else if (op.op === 'remove') {
      if (!(last in container)) throw new PatchError(`path ${op.path} does not exist`)
      if (Array.isArray(container)) container.splice(Number(last), 1)
      else delete container[last]
    } else if (op.op === 'add' || op.op === 'replace') {
      if (op.op === 'replace' && !(last in container)) throw new PatchError(`path ${op.path} does not exist`)
      if (Array.isArray(container) && op.op === 'add')
        container.splice(last === '-' ? container.length : Number(last), 0, op.value)
      else container[last as never] = op.value as never
    } else {
      throw new PatchError(`unsupported JSON patch operation: ${op.op}`)
    }
  }
  return doc
}
