/**
 * The console's own writes to `<data-dir>/config.json` — choices made in the UI (Settings, the
 * compute backend) that take effect at the next start, where loadConfig reads the file layer
 * (environment variables and flags still win over it). A patch is merged into the file, the result
 * must pass the config schema, and the file is replaced atomically: bad input changes nothing.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { C2dError } from '../c2d-error'
import { consoleConfigSchema } from './schema'

type Json = Record<string, unknown>

export const CONFIG_FILE = 'config.json'

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deep merge for plain objects; `undefined` in the patch removes the key. */
function mergePatch(base: Json, patch: Json): Json {
  const out: Json = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key]
    else if (isObject(value) && isObject(out[key])) out[key] = mergePatch(out[key] as Json, value)
    else out[key] = value
  }
  return out
}

export function readConfigFile(dataDir: string): Json {
  const file = join(dataDir, CONFIG_FILE)
  if (!existsSync(file)) return {}
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
  return isObject(parsed) ? parsed : {}
}

/** Merges `patch` into config.json after validating the result; returns the new file content. */
export function updateConfigFile(dataDir: string, patch: Json): Json {
  let current: Json
  try {
    current = readConfigFile(dataDir)
  } catch (cause) {
    throw new C2dError(
      'CONFIG_INVALID',
      400,
      `${join(dataDir, CONFIG_FILE)} is not valid JSON; fix or remove it first`,
      { cause },
    )
  }
  const next = mergePatch(current, patch)
  const checked = consoleConfigSchema.safeParse({ dataDir, ...next })
  if (!checked.success) {
    throw new C2dError('CONFIG_INVALID', 400, 'The setting is invalid', {
      details: checked.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    })
  }
  const file = join(dataDir, CONFIG_FILE)
  const tmp = `${file}.tmp`
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, file)
  return next
}
