/**
 * A Node-style callback API as a promise: `fromCallback((done) => readdir(dir, done))`. The cache of
 * the workspace graph uses node:fs's callback form with this, because node:fs/promises is one more
 * module to load when `pipeline affected` starts, on the path where every millisecond of start-up
 * counts (bench/README.md, "What the tool does to get there").
 */
export function fromCallback<T>(start: (done: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}
