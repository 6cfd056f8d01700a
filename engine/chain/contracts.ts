/**
 * Ocean's contracts as the console uses them: ABIs and bytecode from `@oceanprotocol/contracts`
 * 2.6.0 (`artifacts/…json`), addresses per chain from Ocean's `addresses/address.json` where it
 * has the chain, else from the dev chain's own deployment, with `config.chain.contracts` overrides
 * on top. Chain layer: ethers and node:* only.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { getAddress, type InterfaceAbi } from 'ethers'
import { chainError } from './chain-errors'

/** The contracts the console deploys (dev chain) or calls; name → artifact path in the package. */
export const OCEAN_ARTIFACTS = {
  OceanToken: 'contracts/utils/OceanToken.sol/OceanToken.json',
  OPFCommunityFeeCollector:
    'contracts/communityFee/OPFCommunityFeeCollector.sol/OPFCommunityFeeCollector.json',
  FactoryRouter: 'contracts/pools/FactoryRouter.sol/FactoryRouter.json',
  FixedRateExchange: 'contracts/pools/fixedRate/FixedRateExchange.sol/FixedRateExchange.json',
  ERC20Template: 'contracts/templates/ERC20Template.sol/ERC20Template.json',
  ERC20TemplateEnterprise: 'contracts/templates/ERC20TemplateEnterprise.sol/ERC20TemplateEnterprise.json',
  ERC721Template: 'contracts/templates/ERC721Template.sol/ERC721Template.json',
  Dispenser: 'contracts/pools/dispenser/Dispenser.sol/Dispenser.json',
  ERC721Factory: 'contracts/ERC721Factory.sol/ERC721Factory.json',
  Escrow: 'contracts/escrow/Escrow.sol/Escrow.json',
  AccessList: 'contracts/accesslists/AccessList.sol/AccessList.json',
} as const
export type OceanArtifactName = keyof typeof OCEAN_ARTIFACTS

export interface OceanArtifact {
  contractName: string
  abi: InterfaceAbi
  bytecode: string
}

/**
 * Addresses the console needs on a chain, by the names Ocean's address file uses (flattened:
 * `ERC20Template` is template index 1, `ERC20TemplateEnterprise` index 2).
 */
export interface OceanAddresses {
  Ocean: string
  OPFCommunityFeeCollector?: string
  Router: string
  FixedPrice?: string
  Dispenser?: string
  ERC721Factory: string
  ERC721Template?: string
  ERC20Template?: string
  ERC20TemplateEnterprise?: string
  Escrow?: string
}

const packageRoot = (() => {
  const require = createRequire(import.meta.url)
  return dirname(require.resolve('@oceanprotocol/contracts/package.json'))
})()

const artifactCache = new Map<OceanArtifactName, OceanArtifact>()

/** Reads (once) the artifact JSON of one contract. */
export function loadArtifact(name: OceanArtifactName): OceanArtifact {
  let artifact = artifactCache.get(name)
  if (!artifact) {
    const raw = JSON.parse(
      readFileSync(join(packageRoot, 'artifacts', OCEAN_ARTIFACTS[name]), 'utf8'),
    ) as OceanArtifact
    artifact = { contractName: raw.contractName, abi: raw.abi, bytecode: raw.bytecode }
    artifactCache.set(name, artifact)
  }
  return artifact
}

export function loadAbi(name: OceanArtifactName): InterfaceAbi {
  return loadArtifact(name).abi
}

interface AddressFileEntry {
  chainId: number
  Ocean?: string
  OPFCommunityFeeCollector?: string
  Router?: string
  FixedPrice?: string
  Dispenser?: string
  ERC721Factory?: string
  ERC721Template?: Record<string, string>
  ERC20Template?: Record<string, string>
  Escrow?: string
}

/** Ocean's published addresses for a chain id, or undefined when the file has no such chain (e.g. 8996). */
export function oceanPublishedAddresses(chainId: number): Partial<OceanAddresses> | undefined {
  const file = JSON.parse(readFileSync(join(packageRoot, 'addresses', 'address.json'), 'utf8')) as Record<
    string,
    AddressFileEntry
  >
  const entry = Object.values(file).find((e) => e.chainId === chainId)
  if (!entry) return undefined
  return {
    Ocean: entry.Ocean,
    OPFCommunityFeeCollector: entry.OPFCommunityFeeCollector,
    Router: entry.Router,
    FixedPrice: entry.FixedPrice,
    Dispenser: entry.Dispenser,
    ERC721Factory: entry.ERC721Factory,
    ERC721Template: entry.ERC721Template?.['1'],
    ERC20Template: entry.ERC20Template?.['1'],
    ERC20TemplateEnterprise: entry.ERC20Template?.['2'],
    Escrow: entry.Escrow,
  }
}

const REQUIRED: Array<keyof OceanAddresses> = ['Ocean', 'Router', 'ERC721Factory']

/**
 * The addresses to use on `chainId`: Ocean's file, then the dev chain's deployment, then the
 * user's overrides. Throws `CONTRACT_ADDRESS_UNKNOWN` naming what is missing.
 */
export function resolveOceanAddresses(
  chainId: number,
  sources: { deployment?: Partial<OceanAddresses>; overrides?: Record<string, string> } = {},
): OceanAddresses {
  const merged: Record<string, string | undefined> = {
    ...(oceanPublishedAddresses(chainId) ?? {}),
    ...(sources.deployment ?? {}),
    ...(sources.overrides ?? {}),
  }
  const missing = REQUIRED.filter((k) => !merged[k])
  if (missing.length > 0) {
    throw chainError(
      'CONTRACT_ADDRESS_UNKNOWN',
      `No address for ${missing.join(', ')} on chain ${chainId}: set config.chain.contracts or use the dev chain`,
      { details: { chainId, missing } },
    )
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(merged)) if (v) out[k] = getAddress(v)
  return out as unknown as OceanAddresses
}
