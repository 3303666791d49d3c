/**
 * Message Batches are billed at 50% of standard prices on every token category, and the discount stacks
 * with the prompt-caching rates: https://platform.claude.com/docs/en/build-with-claude/batch-processing#pricing
 * A request is batch when its usage says `service_tier: "batch"` or it came from a batch results file.
 */
export function isBatch(serviceTier: string | null, fromBatchResults: boolean): boolean {
  return fromBatchResults || serviceTier === 'batch';
}
