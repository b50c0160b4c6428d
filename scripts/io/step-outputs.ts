/**
 * Step outputs and the job summary: the files GitHub Actions names in GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY. Values are written in the `name<<DELIMITER` form, so multi-line values
 * (a list of tags) survive; the delimiter is random, so no value can end it early.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

export function formatStepOutputs(outputs: Readonly<Record<string, string>>, delimiter = `ghadelimiter_${randomUUID()}`): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (value.includes(delimiter)) throw new Error(`step output ${name} contains the delimiter ${delimiter}`);
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

export function writeStepOutputs(file: string, outputs: Readonly<Record<string, string>>): void {
  appendFileSync(file, formatStepOutputs(outputs));
}

export function appendStepSummary(file: string, markdown: string): void {
  appendFileSync(file, markdown);
}
