/**
 * `npm run admin:create -- --email ops@example.org [--name "Ops"] [--password-stdin]`: creates an
 * admin account (who may open /ops and /status) in DATABASE_URL, or the embedded PGlite under
 * DATA_DIR. The password is read from standard input with `--password-stdin` (first line), else
 * asked for at a prompt that does not echo it; it is never an argument (arguments land in shell
 * history and `ps`). Exit codes: 0 created, 1 the email is taken, 2 bad input.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { connect, runMigrations } from '../backend/src/db/client.ts';
import { AdminInput, createAdmin } from '../backend/src/ops/admin-account.ts';

async function readStdinLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

/** Prompts without echoing the typed characters. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    out._writeToOutput = () => {};
    process.stdout.write(question);
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  if (!values.email) {
    console.error('admin:create: --email is required');
    return 2;
  }
  if (!values['password-stdin'] && !process.stdin.isTTY) {
    console.error('admin:create: no terminal to prompt on; pass the password on standard input with --password-stdin');
    return 2;
  }
  const password = values['password-stdin'] ? await readStdinLine() : await prompt('Password for the admin: ');
  const parsed = AdminInput.safeParse({ email: values.email, password, name: values.name });
  if (!parsed.success) {
    for (const i of parsed.error.issues) console.error(`admin:create: ${i.path.join('.') || 'input'}: ${i.message}`);
    return 2;
  }
  const database = await connect({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? '.data' });
  try {
    await runMigrations(database);
    const r = await createAdmin(database.db, parsed.data);
    if (r.kind === 'exists') {
      console.error(`admin:create: ${r.email} is already registered; nothing changed`);
      return 1;
    }
    console.log(`admin:create: created admin ${r.email} (${r.id}); log in at /login, then open /ops`);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`admin:create: ${(e as Error).message}`);
    process.exit(2);
  },
);
