/**
 * Model used by `send` and `count` when neither -m nor the --request body names one (README "send").
 * Chosen 2026-11-21 from https://platform.claude.com/docs/en/about-claude/models/overview: the current
 * Sonnet, a mid-priced model whose minimum cacheable prompt (512 tokens, src/data/models.json) lets small
 * test prompts show cache writes and reads. Review it when the model lineup changes.
 */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** `max_tokens` when neither --max-tokens nor the body gives one: enough for a short answer. */
export const DEFAULT_MAX_TOKENS = 1024;
