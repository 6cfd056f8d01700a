/**
 * `npm run manifests [-- <jobId>] [--data-dir <dir>] [--namespace <ns>]`: prints, as multi-document
 * YAML on stdout, every Kubernetes object the driver would create — for a stored job, or for a
 * sample job built from assets/ — so a publisher can review them or check them against a real
 * cluster: `npm run -s manifests | kubectl apply --dry-run=server -f -`.
 * Secret values (dataset URLs, headers, inlined files) are redacted; the structure is kept.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { loadConfig } from '../config/load'
import type { JobSpec } from '../operator-engine/driver'
import {
  DEFAULT_MANIFEST_OPTIONS,
  allObjects,
  buildJobObjects,
  configureInputs,
  type ConfigureInputs,
} from '../operator-engine/drivers/kubernetes/manifests'
import { openDatabase } from '../store/database'
import { JobsRepo } from '../store/jobs-repo'

const ASSETS = resolve(import.meta.dirname, '..', '..', 'assets')
const REDACTED = '<redacted>'

export function sampleJobSpec(): JobSpec {
  const did = 'did:op:' + '0'.repeat(64)
  return {
    jobId: 'sample0job0for0review',
    jobDir: '/nonexistent',
    environment: { id: 'local-sandbox', allowNetwork: false },
    datasets: [
      { did, ddo: { id: did }, files: [{ type: 'local', path: join(ASSETS, 'sample-data', 'weather.csv') }] },
    ],
    algorithm: {
      container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' },
      source: { type: 'local', path: join(ASSETS, 'algorithms', 'weather-stats.js') },
    },
    resources: { cpu: 1, ramGb: 1, diskGb: 1 },
    maxJobDurationSec: 3600,
    limits: { inputFileBytesMax: 1024 ** 3, outputBytesMax: 256 * 1024 ** 2 },
  }
}

/** The Secret's document with every value that could be a secret replaced, shape kept. */
export function redactInputs(inputs: ConfigureInputs): ConfigureInputs {
  const file = (f: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(f).map(([k, v]) => [
        k,
        k === 'type' || k === 'sizeBytes'
          ? v
          : k === 'headers' && v && typeof v === 'object'
            ? Object.fromEntries(Object.keys(v).map((h) => [h, REDACTED]))
            : REDACTED,
      ]),
    )
  return {
    ...inputs,
    datasets: inputs.datasets.map((d) => ({
      ...d,
      files: d.files.map((f) => file(f as Record<string, unknown>) as never),
    })),
    algorithm: {
      ...inputs.algorithm,
      source: file(inputs.algorithm.source as Record<string, unknown>) as never,
    },
  }
}

export function manifestsYaml(
  spec: JobSpec,
  namespace: string,
  readLocal: (path: string) => Buffer = (p) => readFileSync(p),
): string {
  const options = { ...DEFAULT_MANIFEST_OPTIONS, namespace }
  const inputs = configureInputs(spec, options, readLocal)
  const objects = buildJobObjects(spec, redactInputs(inputs), options)
  return allObjects(objects)
    .map((o) => stringify(o, { lineWidth: 0 }))
    .join('---\n')
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, namespace: { type: 'string' } },
  })
  const config = loadConfig({ overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {} })
  const namespace = values.namespace ?? config.driver.namespace
  const jobId = positionals[0]
  let spec = sampleJobSpec()
  if (jobId) {
    const dbFile = join(config.dataDir, 'console.db')
    if (!existsSync(dbFile)) {
      console.error(`No console database in ${config.dataDir}; pass --data-dir`)
      return 2
    }
    const db = openDatabase({ file: dbFile })
    try {
      const record = new JobsRepo(db).get(jobId) as { spec?: JobSpec } | undefined
      if (!record?.spec) {
        console.error(`No job ${jobId} in ${dbFile}`)
        return 2
      }
      spec = record.spec
    } finally {
      db.close()
    }
  }
  process.stdout.write(manifestsYaml(spec, namespace))
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    process.exitCode = main()
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  }
}
