import { describe, expect, test } from 'vitest';
import { ConfigError, type ConfigSpec, loadConfig } from '../src/config.js';

const SPECS = {
  PORT: { kind: 'port', default: 3000 },
  WORKERS: { kind: 'int', min: 1, max: 8, default: 2 },
  MODE: { kind: 'enum', values: ['a', 'b'], default: 'a' },
  UPSTREAM: { kind: 'url', default: 'http://x:1' },
  SECRET: { kind: 'string', secret: true, default: 'd' },
} as const satisfies Record<string, ConfigSpec>;

describe('loadConfig', () => {
  test('applies defaults and parses values', () => {
    expect(loadConfig(SPECS, {})).toEqual({ PORT: 3000, WORKERS: 2, MODE: 'a', UPSTREAM: 'http://x:1', SECRET: 'd' });
    expect(loadConfig(SPECS, { PORT: '8080', WORKERS: '8', MODE: 'b', UPSTREAM: 'https://h:9/', SECRET: 's' })).toEqual({
      PORT: 8080,
      WORKERS: 8,
      MODE: 'b',
      UPSTREAM: 'https://h:9',
      SECRET: 's',
    });
  });

  test.each([
    ['PORT', '70000', /PORT="70000": expected a TCP port/],
    ['PORT', 'abc', /PORT="abc"/],
    ['WORKERS', '9', /WORKERS="9": expected an integer >= 1 <= 8/],
    ['WORKERS', '1.5', /WORKERS/],
    ['MODE', 'c', /MODE="c": expected one of a, b/],
    ['UPSTREAM', 'ftp://x', /UPSTREAM="ftp:\/\/x": expected an absolute http\(s\) URL/],
    ['SECRET', 'x'.repeat(0) || ' ', /SECRET=<redacted>/],
  ])('rejects %s=%j naming the variable and the expected form', (name, value, message) => {
    const run = () => loadConfig(SPECS, { [name]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  test('a string with a minimum length (a secret too short to be one): refused at start-up, its value not shown', () => {
    const specs = { AUTH_SECRET: { kind: 'string', secret: true, minLength: 16 } } as const satisfies Record<string, ConfigSpec>;
    const run = () => loadConfig(specs, { AUTH_SECRET: 'abc' });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('invalid environment variable AUTH_SECRET=<redacted>: expected a string of at least 16 characters');
    expect(() => loadConfig(specs, {})).toThrow('missing environment variable AUTH_SECRET: set it to a string of at least 16 characters');
    expect(loadConfig(specs, { AUTH_SECRET: 'x'.repeat(16) })).toEqual({ AUTH_SECRET: 'x'.repeat(16) });
    expect(() => loadConfig(specs, { AUTH_SECRET: 'x'.repeat(15) })).toThrow(ConfigError);
  });

  test('a required variable that is missing is named', () => {
    expect(() => loadConfig({ AUTH_SECRET: { kind: 'string' } }, {})).toThrow('missing environment variable AUTH_SECRET: set it to a non-empty string');
  });
});
