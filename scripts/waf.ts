/**
 * The security team's command line: `npm run waf -- <lint|test|explain|replay|schema|docs> [--rules DIR]`.
 * Every subcommand reads the rule files from --rules (default gateway/rules) and exits non-zero on failure.
 */
import { parseArgs } from 'node:util';
import { RuleFileError } from '../gateway/src/config/schema/index.ts';
import { WafConfigError } from '../gateway/src/config/waf.ts';
import { DEFAULT_RULES_DIR, loadCompiled } from './waf/load.ts';
import { replay } from './waf/replay.ts';

const USAGE = `usage: npm run waf -- <command> [--rules DIR]
  lint                 validate every rule file; warn about exclusions that select nothing and expired entries
  test                 run the rule test cases in DIR/tests/*.yaml
  explain FILE|-       one request (JSON): normalized fields, matches, score, decision
  replay FILE.jsonl|-  one JSON line per request on stdout, summary on stderr
  schema [--check]     write (or check) the JSON Schema of each rule file to DIR/schema/
  docs [--check]       write (or check) the generated rule tables in docs/rules/detectors.md`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { rules: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [cmd, arg] = positionals;
  const dir = values.rules ?? DEFAULT_RULES_DIR;
  const out = (s: string) => process.stdout.write(s + '\n');
  const err = (s: string) => process.stderr.write(s + '\n');
  if (values.help || !cmd) {
    err(USAGE);
    return cmd ? 0 : 2;
  }
  switch (cmd) {
    case 'replay': {
      if (!arg) {
        err('replay needs FILE.jsonl or -');
        return 2;
      }
      return replay(arg, loadCompiled(dir).waf, out, err);
    }
    case 'lint':
      return (await import('./waf/lint.ts')).lint(dir, out, err);
    case 'test':
      return (await import('./waf/rule-tests.ts')).runRuleTests(dir, out, err);
    case 'explain': {
      if (!arg) {
        err('explain needs FILE or -');
        return 2;
      }
      return (await import('./waf/explain.ts')).explain(arg, dir, out, err);
    }
    case 'schema':
      return (await import('./waf/schema.ts')).writeSchemas(dir, values.check ?? false, out, err);
    case 'docs':
      return (await import('./waf/detectors-doc.ts')).writeDetectorsDoc(values.check ?? false, out, err);
    default:
      err(`unknown command ${cmd}\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const known = e instanceof RuleFileError || e instanceof WafConfigError; // config errors: the message says it all
    process.stderr.write((known ? e.message : ((e as Error).stack ?? String(e))) + '\n');
    process.exitCode = 1;
  },
);
