/**
 * The `tenth` command line: a small router. Each command is its own module,
 * loaded only when used; add one by adding an entry to COMMANDS (e.g. `stats`).
 * Plain Node: imports nothing from Electron or the renderer.
 */
import type { CliIO } from './run';

export interface Command {
  summary: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'run a suite of prompts × cases × models × repeats and journal every attempt',
    run: async (argv, io) => (await import('./run')).runCommand(argv, io),
  },
  stats: {
    summary: 'print the floors per prompt × model from a journal file; --fail-under for CI',
    run: async (argv, io) => (await import('./stats')).statsCommand(argv, io),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: tenth <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "tenth <command> --help" for a command's options.\n`;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      let count = 0;
      const listener = () => {
        count++;
        if (count > 1) process.exit(130);
        handler();
      };
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
  };
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`tenth: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}
