/** `georisk schema`: the JSON Schema of scenario files, for editors. */
import { scenarioJsonSchema } from '@georisk/engine';
import { EXIT, type RegisterCommand } from '../cli-common.ts';

/** Registers `schema`. */
export const registerSchema: RegisterCommand = (program, setExit) => {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
      setExit(EXIT.ok);
    });
};
