/**
 * Parses a Dockerfile with a real parser (dockerfile-ast, the parser of the Docker language server)
 * into a small model the policy rules read: stages with their instructions, flags and arguments.
 */
import { dict } from '../dict.js';
import { DockerfileParser, type Instruction, ModifiableInstruction } from 'dockerfile-ast';

export interface DockerInstruction {
  readonly keyword: string;
  /** 1-based line of the instruction's first line. */
  readonly line: number;
  /** `--mount=type=cache,...` -> `{ mount: ['type=cache,...'] }`. */
  readonly flags: Readonly<Record<string, readonly string[]>>;
  /** Arguments after the flags, as written (shell form) or the array items (exec form). */
  readonly args: readonly string[];
  readonly execForm: boolean;
  /** Everything after the keyword and flags, as one string (a here-document's lines left out: see below). */
  readonly text: string;
  /** The start words of a RUN's, COPY's or ADD's here-documents as written (`<<EOF`, `<<-"EOT"`); none usually. */
  readonly heredocs: readonly string[];
  /** The lines after the instruction's own: the here-documents' bodies and their end words. */
  readonly heredocLines: readonly string[];
}

export interface Stage {
  readonly name: string | undefined;
  readonly image: string;
  readonly line: number;
  readonly instructions: readonly DockerInstruction[];
}

export interface ParsedDockerfile {
  /** ARG instructions before the first FROM. */
  readonly globalArgs: readonly DockerInstruction[];
  readonly stages: readonly Stage[];
  readonly firstLine: string;
}

/**
 * A here-document's start word as BuildKit reads it in RUN, COPY and ADD (its parser's `reHeredoc`,
 * `^(\d*)<<(-?)([^<]*)$` with a name): `<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF`.
 */
const HEREDOC_START = /^\d*<<-?[^<]+$/;
const HEREDOC_KEYWORDS: ReadonlySet<string> = new Set(['RUN', 'COPY', 'ADD']);

function toModel(instruction: Instruction): DockerInstruction {
  const flags: Record<string, string[]> = dict();
  if (instruction instanceof ModifiableInstruction) {
    for (const flag of instruction.getFlags()) flags[flag.getName().toLowerCase()] = [...(flags[flag.getName().toLowerCase()] ?? []), flag.getValue() ?? ''];
  }
  const raw = instruction.getArgumentsContent() ?? '';
  // Stryker disable next-line Regex,StringLiteral: equivalent: dockerfile-ast's getArgumentsContent() already leaves the flags out; this only guards against a parser change.
  const withoutFlags = raw.replace(/^(?:\s*--[a-z-]+(?:=(?:"[^"]*"|\S+))?)+\s*/i, '');
  let execForm = false;
  let args = instruction.getArguments().map((a) => a.getValue());
  // Stryker disable next-line ConditionalExpression,MethodExpression,StringLiteral: equivalent (true, trimEnd, ''): getArgumentsContent() has no leading whitespace, and JSON.parse reads an array only from a text that starts with [; the false variant is killed by the exec-form tests
  if (withoutFlags.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(withoutFlags);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) {
        execForm = true;
        args = parsed;
      }
    } catch {
      // Not valid JSON: Docker runs it in shell form, and so do we.
    }
  }
  const keyword = instruction.getKeyword().toUpperCase();
  let text = withoutFlags.trim();
  let heredocs: string[] = [];
  let heredocLines: string[] = [];
  if (!execForm && HEREDOC_KEYWORDS.has(keyword)) {
    // dockerfile-ast gives a here-document's lines as more arguments: the instruction's own end on the
    // line of its last start word, and the bodies follow it.
    const words = instruction.getArguments();
    const starts = words.filter((a) => HEREDOC_START.test(a.getValue()));
    if (starts.length > 0) {
      const lastLine = Math.max(...starts.map((a) => a.getRange().start.line));
      args = words.filter((a) => a.getRange().start.line <= lastLine).map((a) => a.getValue());
      heredocs = starts.map((a) => a.getValue());
      // Stryker disable next-line StringLiteral: equivalent: String#split returns at least one part
      [text = '', ...heredocLines] = text.split('\n');
    }
  }
  if (!execForm) args = args.filter((a) => !a.startsWith('--'));
  return { keyword, line: instruction.getRange().start.line + 1, flags, args, execForm, text, heredocs, heredocLines };
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs: DockerInstruction[] = [];
  const stages: { name: string | undefined; image: string; line: number; instructions: DockerInstruction[] }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const model = toModel(instruction);
    if (model.keyword === 'FROM') {
      const asIndex = model.args.findIndex((a) => a.toUpperCase() === 'AS');
      // Stryker disable next-line EqualityOperator: asIndex > 0 differs only for `FROM as <x>`, which docker build refuses (FROM takes an image, then optionally AS <name>); asIndex < 0 is killed
      stages.push({ name: asIndex >= 0 ? model.args[asIndex + 1] : undefined, image: model.args[0] ?? '', line: model.line, instructions: [] });
    } else if (stages.length === 0) {
      if (model.keyword === 'ARG') globalArgs.push(model);
    } else {
      // Stryker disable next-line OptionalChaining: equivalent: this branch runs only when stages is not empty
      stages.at(-1)?.instructions.push(model);
    }
  }
  // Stryker disable next-line StringLiteral: the '' after ?? is equivalent (String#split returns at least one part); the '\n' variant is killed by the first-line tests
  return { globalArgs, stages, firstLine: text.split('\n')[0] ?? '' };
}
