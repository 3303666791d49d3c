/**
 * Raised when a response body stops arriving. The SDK's timeout covers an attempt only until the
 * response headers arrive (it clears its timer once fetch resolves), so a body or stream that stalls
 * afterwards would otherwise hang the run for good.
 */
export class BodyTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no data for ${ms} ms after the response headers (--timeout)`);
    this.name = 'BodyTimeoutError';
  }
}

/**
 * The same response, whose body fails with BodyTimeoutError when no bytes arrive for `ms`. Errors of
 * the underlying body (a dropped connection, an abort) pass through unchanged.
 */
export function withBodyTimeout(response: Response, ms: number): Response {
  const source = response.body;
  if (!source) return response;
  const reader = source.getReader();
  let timer: NodeJS.Timeout | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BodyTimeoutError(ms)), ms);
      });
      try {
        const chunk = await Promise.race([reader.read(), stalled]);
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      } catch (err) {
        controller.error(err);
        if (err instanceof BodyTimeoutError) reader.cancel(err).catch(() => {});
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
