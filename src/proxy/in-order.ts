/**
 * Hands items on in the order their slots were reserved, whatever order they become ready in. A call's
 * place in the table and the recording is fixed when it ends, before the work that reads its body
 * (decompression is asynchronous), so that a slow-to-read call does not swap places with a later one.
 */
export class InOrder<T> {
  private issued = 0;
  private next = 0;
  private readonly ready = new Map<number, T | null>();

  constructor(private readonly deliver: (item: T) => void) {}

  /** Takes the next slot; the returned function fills it (null: nothing to hand on). */
  reserve(): (item: T | null) => void {
    const slot = this.issued++;
    return (item) => {
      this.ready.set(slot, item);
      this.flush();
    };
  }

  private flush(): void {
    while (this.ready.has(this.next)) {
      const item = this.ready.get(this.next) as T | null;
      this.ready.delete(this.next);
      this.next++;
      if (item !== null) this.deliver(item);
    }
  }
}
