import { ConfigError } from '@kodingcaravan/shared';

/** Parses `UPSTREAMS` (`name=http://host:port,...`) into a map; a bad entry is a ConfigError naming it. */
export function parseUpstreams(raw: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq);
    const url = entry.slice(eq + 1).replace(/\/+$/, '');
    if (eq <= 0 || !/^[a-z0-9-]+$/.test(name) || !/^https?:\/\/[^/\s]+$/.test(url)) {
      throw new ConfigError('UPSTREAMS', `invalid UPSTREAMS entry ${JSON.stringify(entry)}: expected name=http://host:port, comma-separated`);
    }
    out.set(name, url);
  }
  return out;
}
