#!/usr/bin/env node
/**
 * `npm run test:ocean-clients`: runs ocean.js' and ocean-cli's own tests, unmodified, against
 * `npm run serve` (issue 14). It supplies only what barge would:
 *  - the console on barge's ports: Provider on 127.0.0.1:8001, the dev chain's JSON-RPC on 8545
 *    (through slow-send-rpc.mjs: a send is answered after 300 ms, as a chain that takes time to mine),
 *    with funded unlocked accounts (eth_accounts = [deployer, consumer], `chain.devChainUnlockedAccounts`);
 *    the account of the key ocean-cli's tests hard-code (0x5290…6e47) gets native coin and OCEAN;
 *  - an address file in Ocean's `address.json` shape from the dev chain's deployment, as ADDRESS_FILE
 *    and at barge's place ($HOME/.ocean/ocean-contracts/artifacts/address.json, HOME = a scratch dir);
 *  - NODE_URI / NODE_URL pointing at them;
 *  - without GitHub: the sample files the tests name by raw.githubusercontent.com URLs, served from
 *    local git directories (OCEAN_CLIENTS_GITHUB_MIRROR) to the console's fetches.
 *
 * Sources (never committed here; copied into .cache/ocean-clients/):
 *  - ocean.js at the release this console depends on (package-lock's @oceanprotocol/lib):
 *    OCEAN_JS_SRC = a checkout of that release, or a git directory (its tag v<version> is used);
 *    else <OCEAN_CLIENTS_GITHUB_MIRROR>/oceanprotocol+ocean.js; else cloned from GitHub at the tag.
 *  - ocean-cli (not on npm) at OCEAN_CLI_REF (default: the commit below): OCEAN_CLI_SRC = a checkout
 *    or a git directory; else the mirror; else cloned from GitHub.
 * ocean.js' tests run on its source with this repository's node_modules (the same packages the
 * console's own ocean.js uses) plus its test runner (mocha, chai, …) installed from the registry into
 * .cache (its lockfile pins fs@0.0.1-security, which the registry no longer serves). ocean-cli is
 * installed from its package.json into .cache with @oceanprotocol/lib pinned to the same release.
 *
 * OCEAN_JS_TESTS="Auth Provider" / OCEAN_CLI_TESTS="paidComputeFlow" pick a subset ("" skips);
 * OCEAN_CLIENTS_SERVE_ONLY=1 starts the console, chain and files as for the tests and waits (Ctrl-C).
 * Results: a summary per test file, and test-results/ocean-clients.json (counts and failures).
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Wallet, getCreateAddress } from 'ethers'
import { startRawMirror, mirrorGitDir } from './ocean-clients/github-raw-mirror.mjs'
import { startSlowSendRpc } from './ocean-clients/slow-send-rpc.mjs'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CACHE = join(REPO, '.cache', 'ocean-clients')
const OCEAN_JS_VERSION = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')).packages[
  'node_modules/@oceanprotocol/lib'
].version
/** ocean-cli has no release tags; this is the commit these results were recorded with. */
const OCEAN_CLI_REF = process.env.OCEAN_CLI_REF ?? '8b8a63f51846e2e5abf56e4778254df371b0d9b9'
const list = (value, fallback) => (value ?? fallback).split(/\s+/).filter(Boolean)
const OCEAN_JS_TESTS = list(process.env.OCEAN_JS_TESTS, 'Provider Auth ComputeFlow ComputeExamples')
const OCEAN_CLI_TESTS = list(process.env.OCEAN_CLI_TESTS, 'setup paidComputeFlow')
const MIRROR = process.env.OCEAN_CLIENTS_GITHUB_MIRROR
const PROVIDER_PORT = 8001
const RPC_PORT = 8545
const PROVIDER_URL = `http://127.0.0.1:${PROVIDER_PORT}`
const RPC_URL = `http://127.0.0.1:${RPC_PORT}`
/** The account of the key ocean-cli's tests hard-code (one of barge's funded accounts). */
const OCEAN_CLI_ACCOUNT = new Wallet('0x1d751ded5a32226054cd2e71261039b65afb9ee1c746d055dd699b1150a5befc')
  .address

function run(cmd, args, options) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options })
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status})`)
}

const isGitDir = (dir) => existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'))

/**
 * Copies a client's source into `dest` (fresh each run, so a stale copy never runs): from a checkout
 * as it is, from a git directory at `ref`, or cloned from GitHub at `ref`.
 */
function materialize({ envVar, mirrorName, githubUrl, ref, dest }) {
  let src = process.env[envVar]
  if (!src && MIRROR) src = mirrorGitDir(MIRROR, ...mirrorName.split('/'))
  rmSync(dest, { recursive: true, force: true })
  mkdirSync(dest, { recursive: true })
  if (!src) {
    const clone = `${dest}.git`
    rmSync(clone, { recursive: true, force: true })
    run('git', ['clone', '--bare', '--filter=blob:none', githubUrl, clone])
    src = clone
  }
  if (isGitDir(src) || isGitDir(join(src, '.git'))) {
    const gitDir = isGitDir(src) ? src : join(src, '.git')
    if (!isGitDir(src) && process.env[envVar]) {
      // a checkout: take its files as they are (the caller checked out the right release)
      cpSync(src, dest, { recursive: true, filter: (p) => !/[/\\](node_modules|\.git)$/.test(p) })
    } else {
      const tar = execFileSync('git', ['--git-dir', gitDir, 'archive', ref], { maxBuffer: 1 << 30 })
      execFileSync('tar', ['-x', '-C', dest], { input: tar })
    }
    return gitDir
  }
  cpSync(src, dest, { recursive: true, filter: (p) => !/[/\\](node_modules|\.git)$/.test(p) })
  return undefined
}

/** Writes `dir/package.json` with `dependencies` and installs them there (no lockfile) if changed. */
function installInto(dir, dependencies, overrides = {}) {
  const pkg = JSON.stringify(
    { name: 'ocean-clients-runner', private: true, dependencies, overrides },
    null,
    2,
  )
  const file = join(dir, 'package.json')
  if (existsSync(file) && readFileSync(file, 'utf8') === pkg && existsSync(join(dir, 'node_modules'))) return
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, pkg)
  run('npm', ['install', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir })
}

function prepareOceanJs() {
  const runner = join(CACHE, 'ocean.js-runner')
  const dir = join(runner, `ocean.js-${OCEAN_JS_VERSION}`)
  const gitDir = materialize({
    envVar: 'OCEAN_JS_SRC',
    mirrorName: 'oceanprotocol/ocean.js',
    githubUrl: 'https://github.com/oceanprotocol/ocean.js',
    ref: `v${OCEAN_JS_VERSION}`,
    dest: dir,
  })
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (pkg.version !== OCEAN_JS_VERSION)
    throw new Error(`the ocean.js source is ${pkg.version}; this console depends on ${OCEAN_JS_VERSION}`)
  // Their test runner, at their package.json's ranges. Everything else their source and tests
  // import resolves upward to this repository's node_modules (ocean.js' own dependencies, which the
  // console installs for its ocean.js). eciesjs: ocean.js wants 0.4 where this repository has 0.5.
  const all = { ...pkg.dependencies, ...pkg.devDependencies }
  const runnerDeps = ['mocha', 'chai', 'chai-spies', 'mock-local-storage', 'source-map-support', 'eciesjs']
  installInto(runner, Object.fromEntries(runnerDeps.map((name) => [name, all[name]])))
  return { dir, gitDir }
}

function prepareOceanCli() {
  const runner = join(CACHE, 'ocean-cli-runner')
  const dir = join(runner, 'ocean-cli')
  materialize({
    envVar: 'OCEAN_CLI_SRC',
    mirrorName: 'oceanprotocol/ocean-cli',
    githubUrl: 'https://github.com/oceanprotocol/ocean-cli',
    ref: OCEAN_CLI_REF,
    dest: dir,
  })
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const tooling =
    /^(eslint.*|@eslint\/.*|@typescript-eslint\/.*|typescript-eslint|prettier|pretty-quick|microbundle|globals|crypto)$/
  const deps = Object.fromEntries(
    Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([name]) => !tooling.test(name)),
  )
  // The same ocean.js release as the console; ddo-js 0.3 is not in the registry (as for the console).
  deps['@oceanprotocol/lib'] = OCEAN_JS_VERSION
  deps['@oceanprotocol/ddo-js'] = '0.2.0'
  installInto(runner, deps, { '@oceanprotocol/lib': { '@oceanprotocol/ddo-js': '0.2.0' } })
  symlinkSync('../node_modules', join(dir, 'node_modules'))
  return { dir }
}

/**
 * The dev chain deploys OCEAN first from Hardhat's account #0: its address is known before the
 * chain starts (checked once it has).
 */
const DEV_OCEAN = getCreateAddress({ from: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', nonce: 0 })

/**
 * The compute environment as barge's node offers it: the console's default layout (one environment
 * with a free tier and prices), priced like Ocean Node's barge setup, 1 OCEAN per cpu-minute and
 * nothing for ram or disk. ocean.js' ComputeFlow checks the escrow amount against that price list
 * (`maxJobDuration / 60 * prices[0].price * cpu`).
 */
const BARGE_ENVIRONMENT = {
  id: 'local-sandbox',
  description: 'Local sandbox on this machine (free tier, or paid through escrow)',
  cpu: { total: 2, max: 2, min: 1 },
  ramGb: { total: 4, max: 2, min: 0.5 },
  diskGb: { total: 10, max: 5, min: 1 },
  maxJobs: 2,
  fees: { 8996: [{ feeToken: DEV_OCEAN, prices: [{ id: 'cpu', price: 1 }] }] },
  free: {},
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

/** Ocean's address.json shape (what ocean.js' ConfigHelper and ocean-cli read). */
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

async function rpc(method, params) {
  const response = await fetch(RPC_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = await response.json()
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

/** Barge funds its test accounts: native coin and OCEAN from the (unlocked) deployer. */
async function fund(devChain, address) {
  const [deployer] = await rpc('eth_accounts', [])
  const hex = (n) => `0x${n.toString(16)}`
  const transfer = `0xa9059cbb${address.slice(2).toLowerCase().padStart(64, '0')}${(10_000n * 10n ** 18n).toString(16).padStart(64, '0')}`
  for (const tx of [
    { from: deployer, to: address, value: hex(100n * 10n ** 18n) },
    { from: deployer, to: devChain.contracts.Ocean, data: transfer },
  ]) {
    const hash = await rpc('eth_sendTransaction', [tx])
    const receipt = await waitFor(() => rpc('eth_getTransactionReceipt', [hash]), 'a funding tx', 30_000)
    if (receipt.status !== '0x1') throw new Error(`funding ${address} failed`)
  }
}

/** mocha's spec reporter ends with "N passing", "M failing", "K pending", then the failures. */
function summarize(output) {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '')
  const n = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}`, 'm').exec(clean)?.[1] ?? 0)
  const failures = []
  const tail = clean.slice(clean.search(/^\s*\d+ failing/m) + 1)
  for (const m of tail.matchAll(/^\s{2}(\d+)\) ([\s\S]*?):\n\s+(.*)$/gm))
    failures.push({ test: m[2].replace(/\s+/g, ' ').trim(), error: m[3].trim().slice(0, 300) })
  return { passing: n('passing'), failing: n('failing'), pending: n('pending'), failures }
}

/**
 * Runs one test file and collects its output. Asynchronous: the local file server and the chain
 * proxy live in this process and must keep answering while the tests run.
 */
async function runMocha(label, cwd, args, env) {
  console.log(`\n=== ${label} against ${PROVIDER_URL} ===`)
  const child = spawn(args[0], args.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const take = (chunk) => {
    output += chunk
    process.stdout.write(chunk)
  }
  child.stdout.setEncoding('utf8').on('data', take)
  child.stderr.setEncoding('utf8').on('data', take)
  const timer = setTimeout(() => child.kill('SIGTERM'), 30 * 60_000)
  const exitCode = await new Promise((resolve) => child.on('close', (code) => resolve(code)))
  clearTimeout(timer)
  return { file: label, exitCode, ...summarize(output) }
}

async function main() {
  mkdirSync(CACHE, { recursive: true })
  const oceanJs = OCEAN_JS_TESTS.length > 0 ? prepareOceanJs() : undefined
  const oceanCli = OCEAN_CLI_TESTS.length > 0 ? prepareOceanCli() : undefined
  const mirror = MIRROR ? await startRawMirror(MIRROR) : undefined

  const dataDir = mkdtempSync(join(tmpdir(), 'c2d-ocean-clients-'))
  const home = join(dataDir, 'home')
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      // Barge's files (and the raw-GitHub mirror) are served from this machine: Provider.test.ts'
      // URL fileInfo case needs the probe to reach them, so not the default "public".
      // Persistent storage: barge's node offers it (ocean.js' CI runs Provider.test.ts' storage cases
      // against barge, and their skip for a node without it is broken), so on here as there. The
      // Arweave gateway is the console's default, https://arweave.net, as Ocean Node's image sets it.
      provider: { port: PROVIDER_PORT, fileInfoUrls: 'any', persistentStorage: { enabled: true } },
      // The clients reach the chain through the proxy on barge's port (slow-send-rpc.mjs).
      chain: { mode: 'dev', devChainPort: 0, devChainUnlockedAccounts: true },
      p2p: { enabled: false },
      environments: [BARGE_ENVIRONMENT],
    }),
  )
  const preload = mirror
    ? ['--import', pathToFileURL(join(REPO, 'scripts/ocean-clients/redirect-github-raw.mjs')).href]
    : []
  const serve = spawn(process.execPath, ['--import', 'tsx', ...preload, join(REPO, 'engine/cli/serve.ts')], {
    cwd: REPO,
    env: {
      ...process.env,
      C2D_DATA_DIR: dataDir,
      C2D_LOG_LEVEL: process.env.C2D_LOG_LEVEL ?? 'warn',
      ...(mirror ? { OCEAN_CLIENTS_RAW_MIRROR: mirror.url } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  // Interrupted: the console goes with this script.
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => {
      serve.kill('SIGTERM')
      process.exit(130)
    })
  const results = []
  let chainProxy
  try {
    const devChain = await waitFor(
      () => {
        const file = join(dataDir, 'dev-chain.json')
        const parsed = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
        return parsed?.samples ? parsed : undefined
      },
      'the dev chain and its samples',
      300_000,
    )
    await waitFor(async () => (await fetch(`${PROVIDER_URL}/`)).ok, 'the Provider', 60_000)
    if (devChain.contracts.Ocean !== DEV_OCEAN)
      throw new Error(
        `the dev chain's OCEAN is ${devChain.contracts.Ocean}, not ${DEV_OCEAN}: update DEV_OCEAN`,
      )
    chainProxy = await startSlowSendRpc({ target: devChain.rpcUrl, port: RPC_PORT, sendDelayMs: 260 })
    const addresses = join(home, '.ocean/ocean-contracts/artifacts/address.json')
    mkdirSync(dirname(addresses), { recursive: true })
    writeFileSync(addresses, JSON.stringify(addressFile(devChain), null, 2))
    const env = { ADDRESS_FILE: addresses, NODE_URI: RPC_URL, NODE_URL: PROVIDER_URL }
    if (process.env.OCEAN_CLIENTS_SERVE_ONLY) {
      // Debugging: the same console and chain, left running for a client run by hand.
      await fund(devChain, OCEAN_CLI_ACCOUNT)
      console.log(
        `serving; for a client: HOME=${home} ${Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      )
      await new Promise(() => {}) // until Ctrl-C (the handler above stops the console)
      return 0
    }

    for (const name of oceanJs ? OCEAN_JS_TESTS : []) {
      const file = `test/integration/${name}.test.ts`
      results.push(
        await runMocha(
          `ocean.js ${OCEAN_JS_VERSION} ${file}`,
          oceanJs.dir,
          [
            process.execPath,
            '--import',
            'tsx',
            '../node_modules/mocha/bin/mocha.js',
            '--config',
            './test/.mocharc.json',
            '--no-bail',
            file,
          ],
          env,
        ),
      )
    }
    if (oceanCli) {
      await fund(devChain, OCEAN_CLI_ACCOUNT)
      for (const name of OCEAN_CLI_TESTS) {
        const file = `test/${name}.test.ts`
        results.push(
          await runMocha(
            `ocean-cli ${OCEAN_CLI_REF.slice(0, 7)} ${file}`,
            oceanCli.dir,
            ['npm', 'run', 'mocha', '--', '--no-bail', file],
            { ...env, HOME: home },
          ),
        )
      }
    }
  } finally {
    serve.kill('SIGTERM')
    mirror?.close()
    chainProxy?.close()
  }
  mkdirSync(join(REPO, 'test-results'), { recursive: true })
  writeFileSync(
    join(REPO, 'test-results', 'ocean-clients.json'),
    JSON.stringify({ oceanJs: OCEAN_JS_VERSION, oceanCli: OCEAN_CLI_REF, results }, null, 2),
  )
  console.log("\nOcean clients' own tests against the console:")
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
