#!/usr/bin/env node
/**
 * `npm run test:ocean-clients`: runs ocean.js' own integration tests, unmodified, against
 * `npm run serve` (issue 14). It supplies only what barge would:
 *  - the console on barge's ports: Provider on 127.0.0.1:8001, the dev chain's JSON-RPC on 8545,
 *    with funded unlocked accounts (eth_accounts = [deployer, consumer], `chain.devChainUnlockedAccounts`);
 *  - an address file (ADDRESS_FILE) in Ocean's `address.json` shape from the dev chain's deployment;
 *  - NODE_URI / NODE_URL pointing at them.
 * ocean.js comes from OCEAN_JS_DIR (a checkout of the release this console depends on) or is cloned
 * at that tag into .cache/ocean-clients/; its own dependencies are installed there with `npm ci`
 * (mocha and the rest of its devDependencies), never into this repository.
 * Results: one line per test file, and test-results/ocean-clients.json.
 * OCEAN_CLIENTS_TESTS="Auth Provider" runs a subset (file names without .test.ts).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OCEAN_JS_VERSION = JSON.parse(
  readFileSync(join(REPO, 'node_modules/@oceanprotocol/lib/package.json'), 'utf8'),
).version
const TESTS = (process.env.OCEAN_CLIENTS_TESTS ?? 'Provider Auth ComputeFlow ComputeExamples')
  .split(/\s+/)
  .filter(Boolean)
const PROVIDER_PORT = 8001
const RPC_PORT = 8545
const PROVIDER_URL = `http://127.0.0.1:${PROVIDER_PORT}`
const RPC_URL = `http://127.0.0.1:${RPC_PORT}`

function run(cmd, args, options) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options })
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status})`)
}

function oceanJsCheckout() {
  const dir =
    process.env.OCEAN_JS_DIR ?? join(REPO, '.cache', 'ocean-clients', `ocean.js-${OCEAN_JS_VERSION}`)
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(dirname(dir), { recursive: true })
    run('git', [
      'clone',
      '--depth',
      '1',
      '--branch',
      `v${OCEAN_JS_VERSION}`,
      'https://github.com/oceanprotocol/ocean.js',
      dir,
    ])
  }
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
  if (version !== OCEAN_JS_VERSION)
    throw new Error(`${dir} holds ocean.js ${version}; this console depends on ${OCEAN_JS_VERSION}`)
  if (!existsSync(join(dir, 'node_modules', 'mocha')))
    run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir })
  return dir
}

async function waitFor(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Ocean's address.json shape (what ocean.js' ConfigHelper reads from ADDRESS_FILE). */
function addressFile(devChain) {
  const c = devChain.contracts
  return {
    development: {
      chainId: devChain.chainId,
      Ocean: c.Ocean,
      OPFCommunityFeeCollector: c.OPFCommunityFeeCollector,
      Router: c.Router,
      FixedPrice: c.FixedPrice,
      Dispenser: c.Dispenser,
      ERC721Factory: c.ERC721Factory,
      ERC721Template: { 1: c.ERC721Template },
      ERC20Template: { 1: c.ERC20Template, 2: c.ERC20TemplateEnterprise },
      Escrow: c.Escrow,
      startBlock: 0,
    },
  }
}

/** mocha's spec reporter ends with "N passing", "M failing", "K pending". */
function counts(output) {
  const n = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(output)?.[1] ?? 0)
  return { passing: n('passing'), failing: n('failing'), pending: n('pending') }
}

async function main() {
  const oceanJs = oceanJsCheckout()
  const dataDir = mkdtempSync(join(tmpdir(), 'c2d-ocean-clients-'))
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      provider: { port: PROVIDER_PORT },
      chain: { mode: 'dev', devChainPort: RPC_PORT, devChainUnlockedAccounts: true },
      p2p: { enabled: false },
    }),
  )
  const serve = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'engine/cli/serve.ts')], {
    cwd: REPO,
    env: { ...process.env, C2D_DATA_DIR: dataDir, C2D_LOG_LEVEL: process.env.C2D_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const results = []
  try {
    const devChain = await waitFor(
      () => {
        const file = join(dataDir, 'dev-chain.json')
        const parsed = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
        return parsed?.samples ? parsed : undefined
      },
      'the dev chain and its samples',
      180_000,
    )
    await waitFor(async () => (await fetch(`${PROVIDER_URL}/`)).ok, 'the Provider', 60_000)
    const addresses = join(dataDir, 'address.json')
    writeFileSync(addresses, JSON.stringify(addressFile(devChain), null, 2))
    for (const name of TESTS) {
      const file = `test/integration/${name}.test.ts`
      console.log(`\n=== ocean.js ${OCEAN_JS_VERSION} ${file} against ${PROVIDER_URL} ===`)
      const child = spawnSync(
        'npx',
        ['tsx', './node_modules/mocha/bin/mocha.js', '--config', './test/.mocharc.json', '--no-bail', file],
        {
          cwd: oceanJs,
          env: { ...process.env, ADDRESS_FILE: addresses, NODE_URI: RPC_URL, NODE_URL: PROVIDER_URL },
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      )
      const output = `${child.stdout ?? ''}${child.stderr ?? ''}`
      process.stdout.write(output)
      results.push({ file, exitCode: child.status, ...counts(output) })
    }
  } finally {
    serve.kill('SIGTERM')
  }
  mkdirSync(join(REPO, 'test-results'), { recursive: true })
  writeFileSync(
    join(REPO, 'test-results', 'ocean-clients.json'),
    JSON.stringify({ oceanJs: OCEAN_JS_VERSION, results }, null, 2),
  )
  console.log('\nocean.js tests against the console:')
  for (const r of results)
    console.log(`  ${r.file}: ${r.passing} passing, ${r.failing} failing, ${r.pending} pending`)
  return results.every((r) => r.exitCode === 0) ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
