import type * as Sdk from '@anthropic-ai/sdk';

export type SdkModule = typeof Sdk;

let loaded: SdkModule | null = null;

/**
 * Loads @anthropic-ai/sdk on first use. Only the commands that talk to the API call this, so that
 * `inspect`, which never does, starts without parsing the SDK.
 */
export async function loadSdk(): Promise<SdkModule> {
  loaded ??= await import('@anthropic-ai/sdk');
  return loaded;
}

/** The SDK if a command has loaded it; errors can only be SDK errors when it is. */
export function loadedSdk(): SdkModule | null {
  return loaded;
}
