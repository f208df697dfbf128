/** A small reader for the project's Dockerfile: enough to replay its steps without Docker. */

type Instruction =
  | { op: 'WORKDIR' | 'USER' | 'EXPOSE'; arg: string }
  | { op: 'ENV'; key: string; value: string }
  | { op: 'COPY'; from?: string; sources: string[]; dest: string }
  | { op: 'RUN'; command: string }
  | { op: 'HEALTHCHECK'; command: string }
  | { op: 'CMD'; argv: string[] };

export interface Stage {
  name: string;
  base: string;
  steps: Instruction[];
}

/** Stages in order. Throws on an instruction the replay does not support, naming the line. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (op === 'FROM') {
      const [base, , name] = rest.split(/\s+/);
      stages.push({ name: name ?? String(stages.length), base, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: "${line}" comes before FROM`);
    stage.steps.push(parseInstruction(op, rest, line));
  }
  return stages;
}

function parseInstruction(op: string | undefined, rest: string, line: string): Instruction {
  switch (op) {
    case 'WORKDIR':
    case 'USER':
    case 'EXPOSE':
      return { op, arg: rest };
    case 'ENV': {
      const [, key, value] = /^([A-Za-z_][A-Za-z0-9_]*)[=\s]+(.*)$/.exec(rest) ?? [];
      if (!key) throw new Error(`Dockerfile: cannot read "${line}"`);
      return { op, key, value: value.replace(/^"(.*)"$/, '$1') };
    }
    case 'COPY': {
      const words = rest.split(/\s+/);
      const from = words[0].startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
      const dest = words.pop()!;
      return { op, from, sources: words, dest };
    }
    case 'RUN':
      return { op, command: rest };
    case 'HEALTHCHECK':
      return { op, command: rest.replace(/^.*?\bCMD\s+/, '') };
    case 'CMD':
      return { op, argv: JSON.parse(rest) as string[] };
    default:
      throw new Error(`Dockerfile: the replay does not support "${line}"; extend test/support/dockerfile.ts`);
  }
}
