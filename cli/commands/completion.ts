import type { Command } from 'commander';
import { act } from './program.js';
import { UsageError } from '../usage.js';

/** One node of the command tree: its path (`/incidents/show`), subcommands with their summaries, and options. */
interface Node {
  readonly path: string;
  readonly aliases: readonly string[];
  readonly subs: readonly (readonly [string, string])[];
  readonly options: readonly (readonly [string, string])[];
}

function nodesOf(root: Command): Node[] {
  const out: Node[] = [];
  const visit = (cmd: Command, path: string): void => {
    const subs = cmd.commands.filter((c) => c.name() !== 'help').map((c) => [c.name(), c.description()] as const);
    const options = [...cmd.options.filter((o) => o.long).map((o) => [o.long!, o.description] as const), ['--help', 'show help'] as const];
    out.push({ path, aliases: cmd.aliases().map((a) => path.replace(/[^/]*$/, a)), subs, options });
    for (const c of cmd.commands) if (c.name() !== 'help') visit(c, `${path}/${c.name()}`);
  };
  visit(root, '');
  return out;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The path walk both shells share: each word that names a subcommand of the current path (or an
 * alias of one) extends the path; anything else (arguments, options) leaves it.
 */
function walkCases(nodes: readonly Node[]): string {
  const lines: string[] = [];
  for (const n of nodes.filter((x) => x.path)) {
    lines.push(`      ${[n.path, ...n.aliases].map((p) => quote(p)).join('|')}) wp=${quote(n.path)} ;;`);
  }
  return lines.join('\n');
}

/** `complete -F _warden warden`: subcommands and options of the command typed so far. */
export function bashCompletion(root: Command): string {
  const nodes = nodesOf(root);
  const words = nodes.map((n) => `    ${quote(n.path || '/')}) words=${quote([...n.subs.map(([s]) => s), ...n.options.map(([o]) => o)].join(' '))} ;;`).join('\n');
  return `# warden bash completion: eval "$(warden completion bash)", or save it under bash-completion's completions dir
_warden() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" wp="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${wp}/\${COMP_WORDS[i]}" in
${walkCases(nodes)}
    esac
  done
  case "\${wp:-/}" in
${words}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _warden warden
`;
}

/** `compdef _warden warden`: the same walk, with each subcommand's and option's summary. */
export function zshCompletion(root: Command): string {
  const nodes = nodesOf(root);
  const esc = (s: string) => s.replace(/:/g, '\\:');
  const words = nodes
    .map((n) => {
      const subs = n.subs.map(([s, d]) => quote(`${esc(s)}:${d}`)).join(' ');
      const opts = n.options.map(([o, d]) => quote(`${esc(o)}:${d}`)).join(' ');
      return `    ${quote(n.path || '/')}) subs=(${subs}); opts=(${opts}) ;;`;
    })
    .join('\n');
  return `#compdef warden
# warden zsh completion: eval "$(warden completion zsh)", or save it as _warden on your fpath
_warden() {
  local wp="" i
  local -a subs opts
  for ((i = 2; i < CURRENT; i++)); do
    case "\${wp}/\${words[i]}" in
${walkCases(nodes)}
    esac
  done
  case "\${wp:-/}" in
${words}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    _describe -t options 'option' opts
  else
    _describe -t commands 'command' subs || _files
  fi
}
compdef _warden warden
`;
}

/** `warden completion bash|zsh`: prints the script, generated from the command tree itself. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(warden completion bash)" (or zsh)')
    .argument('<shell>', 'bash or zsh')
    .action(
      act((shell: string) => {
        if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion takes bash or zsh; got "${shell}"`);
        process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
        return 0;
      }),
    );
}
