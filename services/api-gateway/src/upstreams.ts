import { ConfigError } from '@kodingcaravan/shared';

/** The port of `http://host:port`, when given, is a TCP port. */
const validPort = (url: string) => {
  const port = /:(\d+)$/.exec(url)?.[1];
  return port === undefined || Number(port) <= 65535;
};

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
    // A host and an optional port only: a query, fragment or user info would send every request elsewhere.
    if (eq <= 0 || !/^[a-z0-9-]+$/.test(name) || !/^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(url) || !validPort(url)) {
      throw new ConfigError('UPSTREAMS', `invalid UPSTREAMS entry ${JSON.stringify(entry)}: expected name=http://host:port, comma-separated`);
    }
    out.set(name, url);
  }
  return out;
}
