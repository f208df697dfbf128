/*
 * Needs (pre-check): RCE_001-003 one of ; | & ` $ ( ) { } < > \n \r / \ - % [ ? *; RCE_004 a space,
 * `(`, `[` or `-`; RCE_005 a value that starts (after spaces or quotes) with a known command word.
 */
import type { Detector, Match, RuleMeta } from '../../types.ts';
import { hasAny } from '../../views.ts';
import { isAlphaCode, isWordCode, matchAt, NeedleSet } from '../lib/match.ts';
import { COMMAND_PREFIXES, DISTINCT_COMMANDS, STRONG_COMMANDS, WEAK_COMMANDS } from '../lib/shell-commands.ts';
import { aliasDefinition, braceExpansion, bracketGlob, evasion, globPath } from './shell-evasion.ts';
import { windowsBatch } from './windows-batch.ts';

const RULES = [
  {
    id: 'WAF_RCE_001',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description:
      'Shell command after a separator (;id, | cat /etc/passwd, && whoami, $(…), <(…), `…`, the blind probes ; sleep 10 and & ping 10.0.0.1) or an alias definition',
  },
  {
    id: 'WAF_RCE_002',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description:
      'Shell evasion syntax (${IFS}, $[…], shellshock () { :;}, glob-obfuscated paths /???/c?t and /[e]tc, brace expansion {,id} c{a,}t {cat,/etc/passwd}, ~+ / ~-, fork bomb :(){ :|:& };:)',
  },
  {
    id: 'WAF_RCE_003',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description: 'Command invoked by interpreter path (/bin/sh -c, cmd.exe /c, powershell -enc)',
  },
  {
    id: 'WAF_RCE_004',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description: 'Windows batch control flow (FOR /F … DO, IF EXIST …) or PowerShell cmdlets',
  },
  {
    id: 'WAF_RCE_005',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description: 'Value that is a shell command line (ls -la, cat /etc/passwd, nohup ifconfig)',
  },
] as const satisfies readonly RuleMeta[];

/** Interpreter paths and launchers that only appear when someone runs a command. */
const INTERPRETER_MARKERS = [
  '/bin/sh',
  '/bin/bash',
  '/bin/zsh',
  '/bin/ksh',
  '/bin/dash',
  '/bin/busybox',
  '/usr/bin/env',
  '/usr/bin/perl',
  '/usr/bin/python',
  'cmd.exe',
  'cmd /c',
  'cmd /k',
  'powershell -',
  'powershell.exe',
  'pwsh -',
  'sh -c ',
  'bash -c ',
  'bash -i',
  '-encodedcommand',
  'system32\\',
  '/dev/tcp/',
  '/dev/udp/',
  'nc -e',
  'nc -l',
  'ncat -e',
  'mkfifo /tmp',
  '$shell',
  'sh -i',
];
/** Paths whose presence makes a bare command line a file read, not prose. */
const SENSITIVE_PREFIXES = [
  '/etc/',
  '/var/',
  '/proc/',
  '/tmp/',
  '/dev/',
  '/usr/',
  '/bin/',
  '/sbin/',
  '/root',
  '/home/',
  '~/',
  '../',
  'c:\\',
  '%systemroot%',
  '%windir%',
  '%systemdrive%',
];

type Shape = 'end' | 'sep' | 'flag' | 'path' | 'quoted' | 'word' | 'hostlike' | 'none';

function argShape(s: string, j: number): Shape {
  const c = s[j];
  if (j >= s.length) return 'end';
  // `AT&T`, `R&D`: an ampersand glued between letters is part of a word, not a separator.
  if (c === '&' && j + 1 < s.length && s.charCodeAt(j + 1) >= 97 && s.charCodeAt(j + 1) <= 122) return 'none';
  if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r' && !';|&`)><\'"$'.includes(c)) return 'none';
  let k = j;
  while (k < s.length && (s[k] === ' ' || s[k] === '\t')) k++;
  if (k >= s.length) return 'end';
  const d = s[k];
  if (';|&`)><\n\r'.includes(d)) return 'sep';
  if (d === '-' && k + 1 < s.length && s[k + 1] !== ' ') return 'flag';
  if ('/~.\\$%{'.includes(d)) return 'path';
  // A Windows drive path (`dir c:\`, `type C:/boot.ini`).
  if (isAlphaCode(s.charCodeAt(k)) && s[k + 1] === ':' && (s[k + 2] === '\\' || s[k + 2] === '/')) return 'path';
  if (d === '"' || d === "'") return 'quoted';
  let e = k;
  // A closing backtick or parenthesis ends the word too: `sleep 5` and $(sleep 5) take the 5.
  while (e < s.length && !' \t\n;|&`)'.includes(s[e])) e++;
  const word = s.slice(k, e);
  if (
    word.includes('.') ||
    word.includes('/') ||
    word.includes('=') ||
    /* digits-only or ip:port */ (word.length > 0 && !Number.isNaN(Number(word)))
  )
    return 'hostlike';
  return 'word';
}

/**
 * Weak commands that time or reach out with a single number or address argument: what a blind
 * injection sends to learn whether it ran. Other weak names (`run 5`, `time 25.3`) stay prose.
 */
const PROBE_COMMANDS = new Set(['sleep', 'ping']);

/**
 * After the command word ending at `j`: one argument, then the end of the value, a separator or `#`.
 * An argument that ends a sentence (`sleep 8.`) is prose.
 */
function endsAfterOneArg(s: string, j: number): boolean {
  let k = j;
  while (s[k] === ' ' || s[k] === '\t') k++;
  while (k < s.length && !' \t\n\r;|&`)#\'"'.includes(s[k])) k++;
  if (s[k - 1] === '.') return false;
  while (s[k] === ' ' || s[k] === '\t') k++;
  return k >= s.length || ';|&`)#\n\r\'"'.includes(s[k]);
}

/** Reads a command word at `i`, dropping quotes and backslashes used to split it (w'h'o'am'i). */
function readCommand(s: string, i: number): { word: string; end: number } {
  let j = i;
  let word = '';
  // Path prefix /bin/, /usr/local/bin/ … : keep only the last segment.
  while (j < s.length && word.length < 40 && j - i < 256) {
    const c = s.charCodeAt(j);
    if (isWordCode(c) || c === 45 || c === 46) word += s[j];
    else if (c === 39 || c === 34 || c === 92) {
      /* quote or backslash inside the word */
    } else if (c === 47 /* / */ && (word === '' || /* path segment */ true)) word = '';
    else break;
    j++;
  }
  while (word.endsWith('.') && word !== '.') word = word.slice(0, -1);
  return { word, end: j };
}

/** Windows commands: cmd.exe matches them in any case, so upper case says nothing. */
const CASE_BLIND = new Set([
  'cmd',
  'powershell',
  'pwsh',
  'whoami',
  'dir',
  'type',
  'net',
  'ipconfig',
  'systeminfo',
  'tasklist',
  'copy',
  'del',
  'echo',
  'set',
  'ver',
  'ping',
  'nslookup',
  'netstat',
  'certutil',
  'wmic',
  'reg',
  'sc',
  'start',
  'call',
  'cscript',
  'wscript',
  'mshta',
  'rundll32',
  'regsvr32',
  'bitsadmin',
  'schtasks',
  'taskkill',
  'netsh',
  'msiexec',
  'ftp',
  'tftp',
  'curl',
  'wget',
]);

/** No lower-case ASCII letter in `orig[from, end)`. */
function allUpper(orig: string, from: number, end: number): boolean {
  for (let k = from; k < end; k++) {
    const c = orig.charCodeAt(k);
    if (c >= 97 && c <= 122) return false;
  }
  return true;
}

/** An upper-case ASCII letter in `orig[from, end)` (the command word as written). */
function hasUpper(orig: string, from: number, end: number): boolean {
  for (let k = from; k < end; k++) {
    const d = orig.charCodeAt(k);
    if (d >= 65 && d <= 90) return true;
  }
  return false;
}

/** Scans every command position; returns the index of a command that looks executed, or -1. */
function commandAfterSeparator(s: string, orig: string): number {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    // ; | & \n ` { \r and $( <( >(
    if (
      code !== 59 &&
      code !== 124 &&
      code !== 38 &&
      code !== 10 &&
      code !== 96 &&
      code !== 123 &&
      code !== 13 &&
      code !== 36 &&
      code !== 60 &&
      code !== 62
    )
      continue;
    const c = s[i];
    let sep = '';
    if (c === '$' || c === '<' || c === '>') {
      if (s[i + 1] === '(') sep = c + '(';
      else continue;
    } else sep = c;
    // Markdown code fences (```) and inline code are not command substitution.
    if (c === '`' && (s[i + 1] === '`' || s[i - 1] === '`' || s[i + 1] === '\n')) continue;
    if (c === '`' && inlineCode(s, i)) continue;
    let j = i + sep.length;
    if (sep === '{') while (s[j] === ',') j++;
    while (s[j] === '|' || s[j] === '&') j++;
    // `&&(sh)0>…`, `;(id)`: a subshell right after the separator.
    if (s[j] === '(' && sep.length === 1 && sep !== '{' && sep !== '`') j++;
    // A tab after the separator is as crafted as none (`;\tid`): prose puts a space there.
    const tight = s[j] !== ' ';
    while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
    // `|$u wget …`: an unset variable expands to nothing in front of the command.
    if (s[j] === '$' && sep !== '$(' && isWordCode(s.charCodeAt(j + 1))) {
      let e = j + 1;
      while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
      if (s[e] === ' ') {
        j = e;
        while (s[j] === ' ') j++;
      }
    }
    for (let hop = 0; hop < 3; hop++) {
      const { word, end } = readCommand(s, j);
      if (!word) break;
      const shape = argShape(s, end);
      if (shape === 'none') break;
      // "Skills: Java; PHP | Bash", "\nFind /r/scholarships": capitalised words are names or the start
      // of a sentence; Unix commands are case-sensitive and lower case (Windows ones are not, so they
      // keep counting in any case). All-caps protocol verbs after a line break (`\r\nMAIL FROM:<…>`,
      // SMTP/POP3 are case-blind) still count when arguments follow.
      if (
        !CASE_BLIND.has(word) &&
        hasUpper(orig, j, end) &&
        (shape === 'end' || shape === 'word' || shape === 'sep' || !allUpper(orig, j, end))
      )
        break;
      const hard = sep !== ';' && sep !== '&' && sep !== '{' && sep !== '\n' && sep !== '\r';
      if (STRONG_COMMANDS.has(word) && (shape !== 'word' || hard || tight)) return i;
      // Inside `$(…)`, `<(…)`, `>(…)` every known command runs, whatever its arguments look like.
      if (sep.length === 2 && WEAK_COMMANDS.has(word) && s.indexOf(')', end) > 0) return i;
      // `a & sleep` ends prose; `;ls` (tight) or `| ls` (a pipe) at the end runs it.
      const bare = shape === 'hostlike' || shape === 'end';
      if (WEAK_COMMANDS.has(word) && shape !== 'word' && (!bare || hard || tight) && (sep !== '{' || shape !== 'end'))
        return i;
      // `; sleep 10`, `& ping 10.0.0.1`: the blind probes, one number or address as the only
      // argument and the command line ending there (end of value, a separator or a comment).
      if (PROBE_COMMANDS.has(word) && shape === 'hostlike' && sep !== '{' && endsAfterOneArg(s, end)) return i;
      if (!COMMAND_PREFIXES.has(word)) break;
      j = end;
      while (j < s.length && (s[j] === ' ' || s[j] === '\t' || s[j] === ';')) j++;
    }
  }
  return -1;
}

/**
 * `ls -la`, `ps -ef`, `tail -n 20 app.log`: after a word-like command, only short flags (dash and at
 * most two characters) and path/number/host arguments. Search exclusions (`history -memorial`,
 * `cat -dog`) and prose (`kill -9 is not how…`) fail this.
 */
function shortFlagsOnly(rest: string): boolean {
  if (rest.length > 60) return false;
  const toks = rest.split(/[ \t]+/);
  for (const t of toks) {
    if (!t) continue;
    if (t[0] === '-') {
      if (t.length > 3 || t.length < 2) return false;
      continue;
    }
    if (/[/.\\~$0-9:=]/.test(t) || ';|&><'.includes(t[0])) continue;
    return false;
  }
  return true;
}

/**
 * Markdown inline code in prose: "I learned that `ls -la` lists files". The opening backtick follows
 * a word (or `:`/`,`) and a space, and the closing one (within 80 chars, same line) is followed by
 * spaces, line breaks or punctuation and a letter. Injected substitution has no prose wrapped around it.
 */
function inlineCode(s: string, i: number): boolean {
  // "… a word `code`" or "… a script: `code`".
  if (i < 2 || s[i - 1] !== ' ' || !(isWordCode(s.charCodeAt(i - 2)) || s[i - 2] === ':' || s[i - 2] === ','))
    return false;
  const close = s.indexOf('`', i + 1);
  if (close < 0 || close - i > 80) return false;
  const body = s.slice(i + 1, close);
  if (body.includes('\n') || body.includes('$(') || body.includes('/etc/')) return false;
  let k = close + 1;
  while (k < s.length && ' ,.;:!?)\n\r\t'.includes(s[k])) k++;
  return (k > close + 1 && (k >= s.length || isWordCode(s.charCodeAt(k)))) || (k >= s.length && close + 1 < s.length);
}

/** The whole value is a command line: `ls -la /`, `cat /etc/passwd`, `nohup ifconfig`. */
function commandLine(s: string, orig: string): number {
  let j = 0;
  while (j < s.length && (s[j] === ' ' || s[j] === '"' || s[j] === "'")) j++;
  for (let hop = 0; hop < 3; hop++) {
    const { word, end } = readCommand(s, j);
    if (!word) return -1;
    const strong = STRONG_COMMANDS.has(word);
    const weak = WEAK_COMMANDS.has(word);
    const shape = argShape(s, end);
    if (shape === 'none') return -1;
    const rest = s.slice(end).trimStart();
    // `cd /;…`: the filesystem root then another command.
    const rootThenSep =
      rest[0] === '/' && (rest.length === 1 || ';|&'.includes(rest.trimStart()[1] ?? '') || ';|&'.includes(rest[1]));
    const sensitive =
      rootThenSep ||
      SENSITIVE_PREFIXES.some((p) => rest.startsWith(p)) ||
      (rest.startsWith('-') && SENSITIVE_PREFIXES.some((p) => rest.includes(' ' + p)));
    if (DISTINCT_COMMANDS.has(word) && shape !== 'end' && hop === 0 && !hasUpper(orig, j, end)) return 0;
    if (
      strong &&
      (shape === 'flag' || shape === 'path' || shape === 'sep' || (shape === 'hostlike' && hop > 0) || sensitive)
    )
      return 0;
    if (weak && (sensitive || (shape === 'flag' && shortFlagsOnly(rest)) || (shape === 'sep' && hop > 0))) return 0;
    if (!COMMAND_PREFIXES.has(word)) return -1;
    if (strong || weak) {
      const nextShape = argShape(s, end);
      if (nextShape === 'end') return -1;
    }
    j = end;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t' || s[j] === ';')) j++;
    const next = readCommand(s, j).word;
    if (STRONG_COMMANDS.has(next) && hop === 0) return 0;
  }
  return -1;
}

/**
 * OS command injection: finds command positions (after `;`, `|`, `&`, newlines, backticks, `$(`)
 * and asks whether the word there is a command used like one (strong names anywhere, word-like
 * names only with shell-shaped arguments), plus interpreter paths, shell evasions and Windows
 * batch/PowerShell forms. "Tom & Jerry" or "coding; python is great" are prose, not commands.
 */
/** Characters that every separator-, evasion- or interpreter-based indicator needs. */
const SHELL_CHARS = ';|&`$(){}<>\n\r/\\-%[?*';

const INTERPRETER_SET = new NeedleSet(INTERPRETER_MARKERS);

function interpreter(s: string): number {
  const k = INTERPRETER_SET.find(s);
  return k >= 0 ? k : binCommand(s);
}

/** `bin/ansible`, `/usr/sbin/visudo`: a bin directory then a known command name ending the word. */
function binCommand(s: string): number {
  let k = s.indexOf('bin/');
  let n = 0;
  while (k >= 0 && n++ < 64) {
    let e = k + 4;
    while (e < s.length && (isWordCode(s.charCodeAt(e)) || s[e] === '-' || s[e] === '.')) e++;
    const after = s[e];
    if (
      (k === 0 || !isWordCode(s.charCodeAt(k - 1)) || s.startsWith('sbin/', k - 1)) &&
      (e >= s.length || after === ' ' || after === ';' || after === '|' || after === '&' || after === '\n')
    ) {
      if (STRONG_COMMANDS.has(s.slice(k + 4, e))) return k;
    }
    k = s.indexOf('bin/', k + 4);
  }
  return -1;
}

/**
 * Breakout from a quoted shell argument: the value opens by closing a quote, then a separator, then
 * a command name (`"; sleep 5 #`, `' | id`, `'&& ping -c 3 x`). No ordinary value starts with a
 * quote followed by `;`, `|` or `&` and a command, so any command name counts there, word-like too.
 */
function quotedBreakout(s: string): number {
  let i = 0;
  while (s[i] === ' ') i++;
  if (s[i] !== '"' && s[i] !== "'") return -1;
  const q = i;
  i++;
  while (s[i] === ' ') i++;
  const sepStart = i;
  while (i < s.length && i - sepStart < 2 && (s[i] === ';' || s[i] === '|' || s[i] === '&' || s[i] === '\n')) i++;
  if (i === sepStart) return -1;
  while (s[i] === ' ' || s[i] === '\t') i++;
  let e = i;
  while (e < s.length && e - i < 32 && ((s[e] >= 'a' && s[e] <= 'z') || s[e] === '-' || (s[e] >= '0' && s[e] <= '9')))
    e++;
  const word = s.slice(i, e);
  const after = s[e];
  if (after !== undefined && after !== ' ' && after !== ';' && after !== '|' && after !== '&' && after !== '#')
    return -1;
  return STRONG_COMMANDS.has(word) || WEAK_COMMANDS.has(word) ? q : -1;
}

/**
 * OS command injection: finds command positions (after `;`, `|`, `&`, newlines, backticks, `$(`)
 * and asks whether the word there is a command used like one (strong names anywhere, word-like
 * names only with shell-shaped arguments), plus interpreter paths, shell evasions and Windows
 * batch/PowerShell forms. "Tom & Jerry" or "coding; python is great" are prose, not commands.
 */
export const osCommandInjection = {
  name: 'os-command-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 2) return [];
    const s = views.lower;
    const has = views.has;
    const found: Match[] = [];
    if (hasAny(has, SHELL_CHARS)) {
      let k1 = hasAny(has, ';|&`$(){}<>\n\r') ? commandAfterSeparator(s, s.length === v.length ? v : s) : -1;
      if (k1 < 0 && hasAny(has, ';|&') && hasAny(has, '\'"')) k1 = quotedBreakout(s);
      // In a header the payload is appended to a real value (`Mozilla/5.0 … "; sleep 5 #`): every
      // quote may open the breakout (at most 16 looked at).
      if (k1 < 0 && target.kind === 'header' && hasAny(has, ';|&') && hasAny(has, '\'"')) {
        let n = 0;
        for (let q = s.search(/['"]/); q > 0 && k1 < 0 && n++ < 16; ) {
          const b = quotedBreakout(s.slice(q, q + 64));
          if (b >= 0) k1 = q;
          const next = s.slice(q + 1).search(/['"]/);
          q = next < 0 ? -1 : q + 1 + next;
        }
      }
      if (k1 >= 0) found.push(matchAt('WAF_RCE_001', target, k1));
      let k2 = hasAny(has, '$<(') ? evasion(s) : -1;
      if (k2 < 0 && has[47] && hasAny(has, '[?*\'"\\')) k2 = globPath(s);
      if (k2 < 0 && has[47] && has[91]) k2 = bracketGlob(s);
      if (k2 < 0 && has[123] && has[44]) k2 = braceExpansion(s);
      if (k2 >= 0) found.push(matchAt('WAF_RCE_002', target, k2));
      const k3 = hasAny(has, '/\\-$') ? interpreter(s) : -1;
      if (k3 >= 0) found.push(matchAt('WAF_RCE_003', target, k3));
    }
    if (!found.length && has[97] && has[61]) {
      const ka = aliasDefinition(s);
      if (ka >= 0) found.push(matchAt('WAF_RCE_001', target, ka));
    }
    // `~+`, `~-1`: the whole value is a tilde expansion of the shell's directory stack.
    if (!found.length && has[126] && s.length <= 8 && /^\s*~[+-]\d*\s*$/.test(s))
      found.push(matchAt('WAF_RCE_002', target, 0));
    const k4 = windowsBatch(s, has);
    if (k4 >= 0) found.push(matchAt('WAF_RCE_004', target, k4));
    if (!found.length && target.kind !== 'header') {
      const k5 = commandLine(s, s.length === v.length ? v : s);
      if (k5 >= 0) found.push(matchAt('WAF_RCE_005', target, k5));
    }
    return found;
  },
} satisfies Detector;
