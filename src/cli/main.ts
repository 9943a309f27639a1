import { Command, CommanderError } from 'commander';
import { CliExit } from './cli-output.js';
import { registerConfigCommands } from './config-check-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerKeysCommands } from './keys-command.js';
import { registerCostCommands } from './cost-command.js';
import { registerModelsCommand } from './models-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerUsageCommand } from './usage-command.js';
import { registerRouterCommands } from './router-command.js';
import { registerEvalCommands } from './eval-command.js';
import { registerRegistryCommands } from './registry-command.js';
import { registerExposureCommand } from './exposure-command.js';
import { registerExportCommands } from './export-command.js';
import { exposureCatalogueOf } from '../core/governance/exposure/exposure-catalogue.js';

/** The `switchyard` command line. */
export function createProgram(options: { json?: boolean } = {}): Command {
  const program = new Command();
  program.name('switchyard').description('One OpenAI-compatible gateway over every open and closed LLM').version('0.1.0');
  // Set before the subcommands are added, which inherit them: argument errors throw (main reports
  // them) rather than exit, and with --json they are not printed as text.
  program.exitOverride();
  if (options.json) program.configureOutput({ outputError: () => undefined });
  registerServeCommand(program);
  registerConfigCommands(program);
  registerModelsCommand(program);
  registerDemoCommand(program);
  registerKeysCommands(program);
  registerCostCommands(program);
  registerUsageCommand(program);
  registerRouterCommands(program);
  registerEvalCommands(program);
  registerRegistryCommands(program, [(registry) => registerExposureCommand(registry, { catalogueOf: exposureCatalogueOf })]);
  registerExportCommands(program);
  return program;
}

/** Runs the CLI; a failure sets a non-zero exit code after its one-line reason is printed. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const json = argv.includes('--json');
  try {
    await createProgram({ json }).parseAsync(argv);
  } catch (error) {
    if (error instanceof CliExit) process.exitCode = error.exitCode;
    else if (error instanceof CommanderError) {
      // Help and --version end here too, with exit code 0.
      if (json && error.exitCode !== 0) {
        const message = error.message.replace(/^error: /, '');
        process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'invalid_arguments', message } }, null, 2)}\n`);
      }
      process.exitCode = error.exitCode;
    } else throw error;
  }
}
