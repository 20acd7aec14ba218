/**
 * `cidx completion bash|zsh|fish`: prints a script that completes commands,
 * options, option values and, read from the config at completion time,
 * service and port names. Every script asks `cidx __complete` (complete.ts),
 * so the candidates always match the installed cidx and the current config.
 *
 *   bash: eval "$(cidx completion bash)"      (in ~/.bashrc)
 *   zsh:  eval "$(cidx completion zsh)"       (in ~/.zshrc, after compinit)
 *   fish: cidx completion fish > ~/.config/fish/completions/cidx.fish
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import type { CommandContext } from '../context.js';

export const SCRIPTS: Readonly<Record<string, string>> = {
  bash: `# cidx completion for bash: eval "$(cidx completion bash)"
_cidx_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(cidx __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _cidx_complete cidx
`,
  zsh: `#compdef cidx
# cidx completion for zsh: eval "$(cidx completion zsh)" after compinit
_cidx() {
  local -a candidates
  candidates=("\${(@f)$(cidx __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -a candidates
  else
    _files
  fi
}
compdef _cidx cidx
`,
  fish: `# cidx completion for fish: cidx completion fish > ~/.config/fish/completions/cidx.fish
function __cidx_complete
    set -l words (commandline -opc)
    set -e words[1]
    cidx __complete -- $words (commandline -ct) 2>/dev/null
end
complete -c cidx -f -a '(__cidx_complete)'
`,
};

export async function completion(context: CommandContext): Promise<number> {
  const [shell, extra] = context.args;
  if (!shell || !Object.hasOwn(SCRIPTS, shell) || extra !== undefined) {
    throw new CidxError('USAGE', `usage: cidx completion bash|zsh|fish${shell && !Object.hasOwn(SCRIPTS, shell) ? ` (got "${shell}")` : ''}`);
  }
  process.stdout.write(SCRIPTS[shell]!);
  return ExitCode.ok;
}
