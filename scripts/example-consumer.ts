/**
 * A consumer's first run against `npm run serve`, with Ocean's own client (ocean.js, unmodified):
 * the dev chain's funded consumer (from `<data-dir>/dev-chain.json`) finds the free environment,
 * runs the sample algorithm on the sample dataset, follows its status to the end, prints the
 * algorithm's log and saves the outputs. Usage, with serve running in another terminal:
 *
 *   npm run example:consumer [-- --data-dir <dir>] [-- --provider <url>]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ProviderInstance, type ComputeJob } from '@oceanprotocol/lib'
import { JsonRpcProvider, Wallet } from 'ethers'
import { loadConfig } from '../engine/index'

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, provider: { type: 'string' } } })
const config = loadConfig({ overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {} })
const devChainFile = join(config.dataDir, 'dev-chain.json')
let devChain: { rpcUrl: string; chainId: number; accounts: { consumer: { privateKey: string } }; samples?: { dataset: { did: string; serviceId: string }; algorithm: { did: string; serviceId: string } } }
try {
  devChain = JSON.parse(readFileSync(devChainFile, 'utf8'))
} catch {
  console.error(`No ${devChainFile}: start the console first (npm run serve${values['data-dir'] ? ` -- --data-dir ${values['data-dir']}` : ''}), with the embedded dev chain.`)
  process.exit(1)
}
if (!devChain.samples) {
  console.error(`${devChainFile} lists no samples: the console could not publish them (see its log).`)
  process.exit(1)
}
const providerUrl = values.provider ?? config.provider.publicUrl ?? `http://${config.provider.host}:${config.provider.port}`
const consumer = new Wallet(devChain.accounts.consumer.privateKey, new JsonRpcProvider(devChain.rpcUrl, devChain.chainId, { staticNetwork: true }))
const one = (jobs: ComputeJob | ComputeJob[]) => (Array.isArray(jobs) ? jobs[0]! : jobs)

console.log(`Provider ${providerUrl}, consumer ${consumer.address}`)
const environments = await ProviderInstance.getComputeEnvironments(providerUrl)
const free = environments.find((e) => e.free)
if (!free) throw new Error('The Provider offers no free environment')
const { dataset, algorithm } = devChain.samples
let job = one(await ProviderInstance.freeComputeStart(providerUrl, consumer, free.id, [{ documentId: dataset.did, serviceId: dataset.serviceId }], { documentId: algorithm.did, serviceId: algorithm.serviceId }))
console.log(`Job ${job.jobId} started on ${free.id}`)
let lastStatus = -1
while (job.status !== 70) {
  await new Promise((resolve) => setTimeout(resolve, 500))
  job = one(await ProviderInstance.computeStatus(providerUrl, consumer, job.jobId))
  if (job.status !== lastStatus) console.log(`  ${job.status} ${job.statusText}`)
  lastStatus = job.status
}
for (const result of job.results) {
  const chunks: Uint8Array[] = []
  for await (const chunk of await ProviderInstance.getComputeResult(providerUrl, consumer, job.jobId, result.index!)) chunks.push(chunk)
  const bytes = Buffer.concat(chunks)
  if (result.type === 'algorithmLog') console.log(`--- ${result.filename} ---\n${bytes.toString('utf8').trimEnd()}\n---`)
  if (result.type === 'output') {
    const file = `${job.jobId}-${result.filename}`
    writeFileSync(file, bytes)
    console.log(`Saved ${result.filename} (${bytes.length} bytes) as ${file}; list it with: tar tvf ${file}`)
  }
}
