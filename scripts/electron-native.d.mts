// Types for scripts/electron-native.mjs.
export declare const root: string
export declare const NATIVE_MODULES: string[]
export declare function electronNativeDir(appRoot?: string): string
export declare function sqliteBindingPath(appRoot?: string): string
export declare function wantedStamp(
  appRoot: string,
  electronVersion: string,
): { electron: string; modules: Record<string, string> }
export declare function copyIsCurrent(appRoot: string, electronVersion: string): boolean
export declare function prepareElectronNative(options: {
  appRoot?: string
  electronVersion: string
  rebuild: (options: {
    buildPath: string
    electronVersion: string
    onlyModules: string[]
    force: boolean
    projectRootPath: string
  }) => Promise<unknown>
  say?: (line: string) => void
}): Promise<{ rebuilt: boolean; binding: string }>
