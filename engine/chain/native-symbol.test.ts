import { describe, expect, it } from 'vitest'
import { consoleConfigSchema } from '../config/schema'
import { defaultNativeSymbol, nativeSymbolFor, UNKNOWN_NATIVE_SYMBOL } from './native-symbol'

const chainConfig = (chain: object) =>
  consoleConfigSchema.parse({ dataDir: '/tmp/c2d-native-symbol', chain }).chain

describe('native coin symbol', () => {
  it('defaults by chain id for the well-known chains', () => {
    expect(defaultNativeSymbol(1)).toBe('ETH')
    expect(defaultNativeSymbol(10)).toBe('ETH')
    expect(defaultNativeSymbol(137)).toBe('POL')
    expect(defaultNativeSymbol(11155111)).toBe('ETH')
    expect(defaultNativeSymbol(23294)).toBe('ROSE')
    expect(defaultNativeSymbol(8996)).toBe('ETH')
  })

  it('says "native coin" for a chain it does not know, never a guessed ticker', () => {
    expect(defaultNativeSymbol(424242)).toBe(UNKNOWN_NATIVE_SYMBOL)
    expect(UNKNOWN_NATIVE_SYMBOL).toBe('native coin')
  })

  it('takes the configured symbol of the primary and of each additional chain over the default', () => {
    const chain = chainConfig({
      mode: 'rpc',
      rpcUrl: 'https://rpc.example',
      chainId: 137,
      nativeSymbol: 'MATIC',
      additionalChains: [
        { chainId: 424242, rpcUrl: 'https://other.example', nativeSymbol: 'XYZ', contracts: {} },
        { chainId: 23294, rpcUrl: 'https://sapphire.example', contracts: {} },
      ],
    })
    expect(nativeSymbolFor(chain, 137, 137)).toBe('MATIC')
    expect(nativeSymbolFor(chain, 424242, 137)).toBe('XYZ')
    expect(nativeSymbolFor(chain, 23294, 137)).toBe('ROSE')
    expect(nativeSymbolFor(chainConfig({}), 8996, 8996)).toBe('ETH')
    expect(nativeSymbolFor(chainConfig({}), 5, 5)).toBe('native coin')
  })

  it('refuses a symbol that is not one (spaces, too long) when the config is read', () => {
    expect(() => chainConfig({ nativeSymbol: 'two words' })).toThrow(/coin symbol/)
    expect(() => chainConfig({ nativeSymbol: 'ABCDEFGHIJKLM' })).toThrow(/coin symbol/)
  })
})
