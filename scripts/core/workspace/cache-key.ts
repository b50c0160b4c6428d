/** The key of the workspace graph cache (io/workspace-git.ts), over tree hashes and a few names. */

/**
 * A cache key over tree hashes (already collision-resistant): 2 x 32-bit FNV-1a is plenty, and
 * node:crypto is not worth loading for it.
 */
export class KeyHash {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;
  update(text: string): this {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      this.a = Math.imul(this.a ^ c, 0x01000193) >>> 0;
      this.b = Math.imul(this.b ^ c, 0x01000193 + 2) >>> 0;
    }
    return this;
  }
  digest(): string {
    return `${this.a.toString(16).padStart(8, '0')}${this.b.toString(16).padStart(8, '0')}`;
  }
}
