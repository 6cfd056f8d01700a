/**
 * A consumer's first run against `npm run serve`, with Ocean's own client (ocean.js, unmodified):
 * the dev chain's funded consumer (from `<data-dir>/dev-chain.json`) runs the sample algorithm on
 * the sample dataset — on the free environment, or with `--paid` the way a paying consumer does
 * (initializeCompute, escrow deposit + authorize, datatoken orders, computeStart) — follows its
 * status to the end, prints the algorithm's log and saves the outputs. With serve running:
 *
 *   npm run example:consumer [-- --paid] [-- --data-dir <dir>] [-- --provider <url>]
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ProviderInstance, type ComputeJob } from '@oceanprotocol/lib'
import { loadConfig } from '../engine/index'
import { firstJob, oceanConsumer, runPaidStart } from '../engine/test/ocean-consumer'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    provider: { type: 'string' },
    paid: { type: 'boolean', default: false },
  },
})
const config = loadConfig({ overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {} })
if (!existsSync(join(config.dataDir, 'dev-chain.json'))) {
  console.error(
    `No ${join(config.dataDir, 'dev-chain.json')}: start the console first (npm run serve), with the embedded dev chain.`,
  )
  process.exit(1)
}
const providerUrl =
  values.provider ?? config.provider.publicUrl ?? `http://${config.provider.host}:${config.provider.port}`
const me = oceanConsumer(providerUrl, config.dataDir)
const { samples } = me.devChain
if (!samples) {
  console.error('dev-chain.json lists no samples: the console could not publish them (see its log).')
  process.exit(1)
}
const dataset = { documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }
const algorithm = { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId }

console.log(`Provider ${me.url}, consumer ${me.consumer.address}`)
let job: ComputeJob
if (values.paid) {
  job = await runPaidStart(me, { datasets: [dataset], algorithm })
  console.log(`Paid job ${job.jobId} started; escrow lock ${job.agreementId}`)
} else {
  const free = (await ProviderInstance.getComputeEnvironments(me.url)).find((e) => e.free)
  if (!free) throw new Error('The Provider offers no free environment')
  job = firstJob(await ProviderInstance.freeComputeStart(me.url, me.consumer, free.id, [dataset], algorithm))
  console.log(`Free job ${job.jobId} started on ${free.id}`)
}
let lastStatus = -1
while (job.status !== 70) {
  await new Promise((resolve) => setTimeout(resolve, 500))
  job = firstJob(await ProviderInstance.computeStatus(me.url, me.consumer, job.jobId))
  if (job.status !== lastStatus) console.log(`  ${job.status} ${job.statusText}`)
  lastStatus = job.status
}
const payment = (job as unknown as { payment?: { cost?: string; claimTx?: string; cancelTx?: string } })
  .payment
if (payment)
  console.log(
    `Payment: locked ${payment.cost} wei; ${payment.claimTx ? `claimed in ${payment.claimTx}` : `released in ${payment.cancelTx ?? '(pending)'}`}`,
  )
for (const result of job.results) {
  const chunks: Uint8Array[] = []
  for await (const chunk of await ProviderInstance.getComputeResult(
    me.url,
    me.consumer,
    job.jobId,
    result.index!,
  ))
    chunks.push(chunk)
  const bytes = Buffer.concat(chunks)
  if (result.type === 'algorithmLog')
    console.log(`--- ${result.filename} ---\n${bytes.toString('utf8').trimEnd()}\n---`)
  if (result.type === 'output') {
    const file = `${job.jobId}-${result.filename}`
    writeFileSync(file, bytes)
    console.log(`Saved ${result.filename} (${bytes.length} bytes) as ${file}; list it with: tar tvf ${file}`)
  }
}
me.rpc.destroy()
