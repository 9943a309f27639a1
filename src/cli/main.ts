import { Command } from 'commander';
import { registerConfigCommands } from './config-check-command.js';
import { registerModelsCommand } from './models-command.js';
import { registerServeCommand } from './serve-command.js';

/** The `switchyard` command line. */
export function createProgram(): Command {
  const program = new Command();
  program.name('switchyard').description('One OpenAI-compatible gateway over every open and closed LLM').version('0.1.0');
  registerServeCommand(program);
  registerConfigCommands(program);
  registerModelsCommand(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  await createProgram().parseAsync(argv);
}
