/**
 * The dev chain's fixed accounts: Hardhat's well-known test keys (mnemonic "test test … junk",
 * accounts #0–#2). They are public on purpose: fixed keys make every deployment land on the same
 * addresses (CREATE depends on sender + nonce only), and wallets such as MetaMask already know
 * them. They must never hold value on a real chain; nothing outside the dev chain uses them.
 */
import { Wallet } from 'ethers'

export interface DevAccount {
  address: string
  privateKey: string
}

function account(privateKey: string): DevAccount {
  return { address: new Wallet(privateKey).address, privateKey }
}

export const DEV_ACCOUNTS = {
  /** Deploys Ocean's contracts and publishes the samples (the dev publisher). Hardhat #0. */
  deployer: account('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'),
  /** A consumer with native coin, OCEAN and sample datatokens (spec §10 used this one). Hardhat #1. */
  consumer: account('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'),
  /** The Provider (node) key on the dev chain: signs provider fees, creates escrow locks. Hardhat #2. */
  provider: account('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'),
} as const satisfies Record<string, DevAccount>

export const DEV_CHAIN_ID = 8996
export const DEV_NATIVE_BALANCE_WEI = 10_000n * 10n ** 18n
export const DEV_OCEAN_FOR_CONSUMER_WEI = 100_000n * 10n ** 18n
export const DEV_OCEAN_FOR_DEPLOYER_WEI = 1_000_000n * 10n ** 18n
/** What a publisher wallet made after the dev chain started is topped up to, from the deployer. */
export const DEV_PUBLISHER_NATIVE_WEI = 100n * 10n ** 18n
export const DEV_PUBLISHER_OCEAN_WEI = 10_000n * 10n ** 18n
