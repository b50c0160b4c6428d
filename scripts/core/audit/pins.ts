/**
 * The SHAs workflows-src/actions.pins.ts records, read from its text (scripts/ imports nothing from
 * workflows-src/): each `'owner/repo[/path]': { version: '...', sha: '<40 hex>' ...`. Pure.
 */
import { InputError } from '../errors.js';

const PIN = /^\s{2}'([A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+)':\s*\{\s*version:\s*'[^']*',\s*sha:\s*'([0-9a-f]{40})'/gm;

export function parsePins(file: string, text: string): Map<string, string> {
  const pins = new Map<string, string>();
  // Stryker disable next-line StringLiteral: both groups always participate when PIN matches, so the fallbacks '' are never used
  for (const m of text.matchAll(PIN)) pins.set(m[1] ?? '', m[2] ?? '');
  if (pins.size === 0) throw new InputError(`${file}: no pins found; expected entries like 'actions/checkout': { version: 'v7.0.1', sha: '<40 hex>', ... }`);
  return pins;
}
