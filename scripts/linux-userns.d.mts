// Types for scripts/linux-userns.mjs.
export declare function appArmorUsernsAdvice(options?: {
  platform?: NodeJS.Platform
  read?: (path: string) => string
  electronPath?: string
}): string[]
