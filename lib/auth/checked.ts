/**
 * What a seed-style check saw, kept for the write that follows it in a second call
 * (`validLogin` then `createSession`, `getUserFromSessionId` then `destroySession`), so that the
 * write can be conditional on it as the route's single call is. An entry is taken once. Checks
 * that no write follows (most profile reads) would otherwise pile up: past `limit` entries the
 * oldest goes, and its write is then made as the seed made it, without the condition.
 */
export class CheckedBefore<Key, Seen> {
  private readonly entries = new Map<Key, Seen>();

  constructor(private readonly limit = 1000) {}

  remember(key: Key, seen: Seen): void {
    // Deleted first so that the key moves to the end of the Map's insertion order: the newest.
    this.entries.delete(key);
    this.entries.set(key, seen);
    if (this.entries.size > this.limit) {
      const [oldest] = this.entries.keys();
      this.entries.delete(oldest as Key);
    }
  }

  /** What the last check of this key saw, once; undefined when none is kept. */
  take(key: Key): Seen | undefined {
    const seen = this.entries.get(key);
    this.entries.delete(key);
    return seen;
  }
}
