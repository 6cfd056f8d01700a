/**
 * Deploys Ocean's contracts on an empty chain in the order of Ocean's own deploy script
 * (spec §10): OceanToken, OPF collector, FactoryRouter, FixedRateExchange, the three templates,
 * Dispenser, ERC721Factory, `addTokenTemplate(ERC20TemplateEnterprise)` (index 2), router wiring,
 * then `Escrow(router, 0x0)`. The order is part of the contract: with a fixed deployer key it
 * fixes every address, so the dev chain's addresses and DIDs survive a restart.
 */
import { Contract, ContractFactory, ZeroAddress, type ContractTransactionResponse, type Signer } from 'ethers'
import type { Logger } from '../../logging'
import { chainError } from '../chain-errors'
import { loadArtifact, type OceanArtifactName, type OceanAddresses } from '../contracts'

/** Ocean's dead-address stand-in for the (unused) balancer pool template. */
const BPOOL_TEMPLATE_PLACEHOLDER = '0x000000000000000000000000000000000000dEaD'

export async function deployOceanContracts(
  deployer: Signer,
  logger: Logger,
  options: { mintOceanWei: bigint },
): Promise<OceanAddresses> {
  const owner = await deployer.getAddress()
  const deploy = async (name: OceanArtifactName, args: unknown[]): Promise<Contract> => {
    const artifact = loadArtifact(name)
    const factory = new ContractFactory(artifact.abi, artifact.bytecode, deployer)
    const contract = (await factory.deploy(...args)) as Contract
    await contract.waitForDeployment()
    logger.debug('dev chain: deployed', { contract: name, address: await contract.getAddress() })
    return contract
  }
  const send = async (label: string, tx: Promise<ContractTransactionResponse>) => {
    const receipt = await (await tx).wait()
    if (!receipt || receipt.status !== 1) throw chainError('DEV_CHAIN_FAILED', `Dev chain: ${label} reverted`)
  }

  const ocean = await deploy('OceanToken', [owner])
  await send('OceanToken.mint', ocean.getFunction('mint')(owner, options.mintOceanWei))
  const opf = await deploy('OPFCommunityFeeCollector', [owner, owner])
  const router = await deploy('FactoryRouter', [
    owner,
    await ocean.getAddress(),
    BPOOL_TEMPLATE_PLACEHOLDER,
    await opf.getAddress(),
    [],
  ])
  const routerAddress = await router.getAddress()
  const fixedRate = await deploy('FixedRateExchange', [routerAddress])
  const erc20Template = await deploy('ERC20Template', [])
  const erc20Enterprise = await deploy('ERC20TemplateEnterprise', [])
  const erc721Template = await deploy('ERC721Template', [])
  const dispenser = await deploy('Dispenser', [routerAddress])
  const factory = await deploy('ERC721Factory', [
    await erc721Template.getAddress(),
    await erc20Template.getAddress(),
    routerAddress,
  ])
  await send(
    'ERC721Factory.addTokenTemplate',
    factory.getFunction('addTokenTemplate')(await erc20Enterprise.getAddress()),
  )
  await send('FactoryRouter.addFactory', router.getFunction('addFactory')(await factory.getAddress()))
  await send(
    'FactoryRouter.addFixedRateContract',
    router.getFunction('addFixedRateContract')(await fixedRate.getAddress()),
  )
  await send(
    'FactoryRouter.addDispenserContract',
    router.getFunction('addDispenserContract')(await dispenser.getAddress()),
  )
  // spec §6: Escrow(factoryRouter, opcCollector = 0x0); the router's OPC fee applies on claim.
  const escrow = await deploy('Escrow', [routerAddress, ZeroAddress])

  return {
    Ocean: await ocean.getAddress(),
    OPFCommunityFeeCollector: await opf.getAddress(),
    Router: routerAddress,
    FixedPrice: await fixedRate.getAddress(),
    ERC20Template: await erc20Template.getAddress(),
    ERC20TemplateEnterprise: await erc20Enterprise.getAddress(),
    ERC721Template: await erc721Template.getAddress(),
    Dispenser: await dispenser.getAddress(),
    ERC721Factory: await factory.getAddress(),
    Escrow: await escrow.getAddress(),
  }
}
