// Types for scripts/build-electron.mjs (imported by the packaging check).
export declare const root: string
export declare const outDir: string
export declare function buildElectron(options?: {
  quiet?: boolean
}): Promise<{ outDir: string; files: string[] }>
export declare function rendererBuilt(): boolean
export declare const PRELOAD_BUILD: { platform: string; format: string; target: string; external: string[] }
export declare function buildPreload(outfile: string): Promise<void>
